/// Why a JSON text was refused.
public struct JSONError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong, in a few words.
    public let message: String
    /// Byte offset where the problem was found.
    public let offset: Int

    public var description: String { "\(message) at byte \(offset)" }
}

/// A strict RFC 8259 JSON reader for JOSE headers, claim sets and JWKs.
///
/// Guarantees: it accepts exactly one JSON value with optional surrounding whitespace;
/// it refuses invalid UTF-8 (overlong forms, surrogates, code points past U+10FFFF),
/// unescaped control characters, lone surrogate escapes, numbers that overflow to
/// infinity, nesting deeper than `maxDepth`, and an object that names a member twice
/// (compared after unescaping). It never traps on any input.
public struct JSONReader {
    /// The deepest nesting accepted: the top-level container counts as depth 1.
    public static let defaultMaxDepth = 32

    /// Parses `bytes` as one JSON value.
    public static func parse<Bytes: Collection>(_ bytes: Bytes, maxDepth: Int = defaultMaxDepth) throws(JSONError) -> JSONValue
    where Bytes.Element == UInt8 {
        if let result = bytes.withContiguousStorageIfAvailable({ buffer in
            Result { () throws(JSONError) -> JSONValue in try parse(buffer: buffer, maxDepth: maxDepth) }
        }) {
            return try result.get()
        }
        let copy = Array(bytes)
        return try copy.withUnsafeBufferPointer { buffer throws(JSONError) -> JSONValue in
            try parse(buffer: buffer, maxDepth: maxDepth)
        }
    }

    /// Parses `text` as one JSON value.
    public static func parse(_ text: String, maxDepth: Int = defaultMaxDepth) throws(JSONError) -> JSONValue {
        try parse(Array(text.utf8), maxDepth: maxDepth)
    }

    /// Parses `bytes` and requires the value to be an object.
    public static func parseObject<Bytes: Collection>(_ bytes: Bytes, maxDepth: Int = defaultMaxDepth) throws(JSONError) -> JSONObject
    where Bytes.Element == UInt8 {
        guard case .object(let object) = try parse(bytes, maxDepth: maxDepth) else {
            throw JSONError(message: "not a JSON object", offset: 0)
        }
        return object
    }

    /// Parses a buffer as one JSON value.
    public static func parse(buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int = defaultMaxDepth) throws(JSONError) -> JSONValue {
        var reader = JSONReader(input: buffer, maxDepth: maxDepth)
        reader.skipWhitespace()
        let value = try reader.readValue(depth: 0)
        reader.skipWhitespace()
        if reader.position != buffer.count { throw reader.error("unexpected data after the JSON value") }
        return value
    }

    // Reader state, shared with the lexing and scanning extensions.
    let input: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    var position = 0

    init(input: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.input = input
        self.maxDepth = maxDepth
    }

    func error(_ message: String) -> JSONError { JSONError(message: message, offset: position) }

    var atEnd: Bool { position >= input.count }

    mutating func skipWhitespace() {
        while position < input.count {
            switch input[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private mutating func readValue(depth: Int) throws(JSONError) -> JSONValue {
        guard !atEnd else { throw error("unexpected end of JSON") }
        switch input[position] {
        case UInt8(ascii: "{"): return .object(try readObject(depth: depth + 1))
        case UInt8(ascii: "["): return .array(try readArray(depth: depth + 1))
        case UInt8(ascii: "\""): return .string(decodeString(try scanString()))
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try readNumber())
        default: throw error("unexpected character")
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONError) {
        let count = literal.utf8CodeUnitCount
        guard input.count - position >= count else { throw error("invalid literal") }
        let bytes = literal.utf8Start
        for i in 0..<count where input[position + i] != bytes[i] { throw error("invalid literal") }
        position += count
    }

    private mutating func readObject(depth: Int) throws(JSONError) -> JSONObject {
        if depth > maxDepth { throw error("JSON nested deeper than \(maxDepth)") }
        position += 1  // {
        var members: [(name: String, value: JSONValue)] = []
        members.reserveCapacity(8)
        skipWhitespace()
        if !atEnd && input[position] == UInt8(ascii: "}") {
            position += 1
            return JSONObject(uniqueMembers: members)
        }
        while true {
            skipWhitespace()
            guard !atEnd, input[position] == UInt8(ascii: "\"") else { throw error("expected a member name") }
            let nameOffset = position
            let name = decodeString(try scanString())
            for member in members where member.name == name {
                throw JSONError(message: "duplicate member name \"\(JSONWriter.escapeForMessage(name))\"", offset: nameOffset)
            }
            skipWhitespace()
            guard !atEnd, input[position] == UInt8(ascii: ":") else { throw error("expected ':'") }
            position += 1
            skipWhitespace()
            let value = try readValue(depth: depth)
            members.append((name, value))
            skipWhitespace()
            guard !atEnd else { throw error("unterminated object") }
            switch input[position] {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"): position += 1; return JSONObject(uniqueMembers: members)
            default: throw error("expected ',' or '}'")
            }
        }
    }

    private mutating func readArray(depth: Int) throws(JSONError) -> [JSONValue] {
        if depth > maxDepth { throw error("JSON nested deeper than \(maxDepth)") }
        position += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if !atEnd && input[position] == UInt8(ascii: "]") {
            position += 1
            return elements
        }
        while true {
            skipWhitespace()
            elements.append(try readValue(depth: depth))
            skipWhitespace()
            guard !atEnd else { throw error("unterminated array") }
            switch input[position] {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"): position += 1; return elements
            default: throw error("expected ',' or ']'")
            }
        }
    }

    private mutating func readNumber() throws(JSONError) -> JSONNumber {
        let start = position
        let value = try scanNumber()
        return JSONNumber(text: String(decoding: UnsafeBufferPointer(rebasing: input[start..<position]), as: UTF8.self), value: value)
    }
}

extension JSONReader {
    /// `text` as a JSON object given by a caller (a JWK or JWKS file): `JOSEInputError`
    /// "<what> is not a JSON object: <why>" otherwise.
    public static func parseInput(_ text: String, naming what: String) throws(JOSEInputError) -> JSONObject {
        do {
            return try parseObject(Array(text.utf8))
        } catch {
            throw JOSEInputError("\(what) is not a JSON object: \(error)")
        }
    }
}
