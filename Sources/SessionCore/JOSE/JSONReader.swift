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

    private let input: UnsafeBufferPointer<UInt8>
    private let maxDepth: Int
    private var position = 0

    private init(input: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.input = input
        self.maxDepth = maxDepth
    }

    private func error(_ message: String) -> JSONError { JSONError(message: message, offset: position) }

    private var atEnd: Bool { position >= input.count }

    private mutating func skipWhitespace() {
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
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try readNumber())
        default: throw error("unexpected character")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONError) {
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
            let name = try readString()
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
        if input[position] == UInt8(ascii: "-") { position += 1 }
        guard !atEnd else { throw error("invalid number") }
        if input[position] == UInt8(ascii: "0") {
            position += 1
        } else if isDigit(input[position]) {
            while !atEnd && isDigit(input[position]) { position += 1 }
        } else {
            throw error("invalid number")
        }
        var isInteger = true
        if !atEnd && input[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard !atEnd, isDigit(input[position]) else { throw error("invalid number") }
            while !atEnd && isDigit(input[position]) { position += 1 }
        }
        if !atEnd && (input[position] == UInt8(ascii: "e") || input[position] == UInt8(ascii: "E")) {
            isInteger = false
            position += 1
            if !atEnd && (input[position] == UInt8(ascii: "+") || input[position] == UInt8(ascii: "-")) { position += 1 }
            guard !atEnd, isDigit(input[position]) else { throw error("invalid number") }
            while !atEnd && isDigit(input[position]) { position += 1 }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: input[start..<position]), as: UTF8.self)
        // Fast path: a plain integer of up to 15 digits is exact in a Double; no strtod.
        if isInteger, position - start <= 16 {
            var magnitude: Int64 = 0
            for index in (input[start] == UInt8(ascii: "-") ? start + 1 : start)..<position {
                magnitude = magnitude * 10 + Int64(input[index] - UInt8(ascii: "0"))
            }
            if magnitude < 1_000_000_000_000_000 {
                return JSONNumber(text: text, value: Double(input[start] == UInt8(ascii: "-") ? -magnitude : magnitude))
            }
        }
        guard let value = Double(text), value.isFinite else {
            position = start
            throw error("number out of range")
        }
        return JSONNumber(text: text, value: value)
    }

    @inline(__always) private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func readString() throws(JSONError) -> String {
        position += 1  // opening quote
        let start = position
        // Fast path: no escapes. Validate UTF-8 as we go.
        while position < input.count {
            let byte = input[position]
            if byte == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(rebasing: input[start..<position]), as: UTF8.self)
                position += 1
                return s
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("control character in string") }
            if byte < 0x80 { position += 1 } else { try skipUTF8Sequence() }
        }
        guard position < input.count else { throw error("unterminated string") }
        // Slow path: escapes present.
        var bytes = [UInt8](UnsafeBufferPointer(rebasing: input[start..<position]))
        while position < input.count {
            let byte = input[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return String(decoding: bytes, as: UTF8.self)
            case UInt8(ascii: "\\"):
                position += 1
                guard !atEnd else { throw error("unterminated escape") }
                let escape = input[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""): bytes.append(0x22)
                case UInt8(ascii: "\\"): bytes.append(0x5C)
                case UInt8(ascii: "/"): bytes.append(0x2F)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try readHex4()
                    if scalar >= 0xD800 && scalar < 0xDC00 {
                        guard input.count - position >= 6,
                              input[position] == UInt8(ascii: "\\"), input[position + 1] == UInt8(ascii: "u")
                        else { throw error("lone surrogate escape") }
                        position += 2
                        let low = try readHex4()
                        guard low >= 0xDC00 && low < 0xE000 else { throw error("lone surrogate escape") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if scalar >= 0xDC00 && scalar < 0xE000 {
                        throw error("lone surrogate escape")
                    }
                    appendUTF8(scalar, to: &bytes)
                default:
                    position -= 1
                    throw error("invalid escape")
                }
            default:
                if byte < 0x20 { throw error("control character in string") }
                if byte < 0x80 {
                    bytes.append(byte)
                    position += 1
                } else {
                    let sequenceStart = position
                    try skipUTF8Sequence()
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: input[sequenceStart..<position]))
                }
            }
        }
        throw error("unterminated string")
    }

    private mutating func readHex4() throws(JSONError) -> UInt32 {
        guard input.count - position >= 4 else { throw error("invalid \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = input[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("invalid \\u escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    private func appendUTF8(_ scalar: UInt32, to bytes: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            bytes.append(UInt8(scalar))
        case 0x80..<0x800:
            bytes.append(UInt8(0xC0 | (scalar >> 6)))
            bytes.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            bytes.append(UInt8(0xE0 | (scalar >> 12)))
            bytes.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            bytes.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            bytes.append(UInt8(0xF0 | (scalar >> 18)))
            bytes.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            bytes.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            bytes.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    /// Advances over one well-formed multi-byte UTF-8 sequence (RFC 3629, Unicode table 3-7).
    private mutating func skipUTF8Sequence() throws(JSONError) {
        let lead = input[position]
        let remaining = input.count - position
        func continuation(_ offset: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
            offset < remaining && input[position + offset] >= low && input[position + offset] <= high
        }
        switch lead {
        case 0xC2...0xDF:
            guard continuation(1) else { throw error("invalid UTF-8") }
            position += 2
        case 0xE0:
            guard continuation(1, 0xA0, 0xBF), continuation(2) else { throw error("invalid UTF-8") }
            position += 3
        case 0xE1...0xEC, 0xEE...0xEF:
            guard continuation(1), continuation(2) else { throw error("invalid UTF-8") }
            position += 3
        case 0xED:
            guard continuation(1, 0x80, 0x9F), continuation(2) else { throw error("invalid UTF-8") }
            position += 3
        case 0xF0:
            guard continuation(1, 0x90, 0xBF), continuation(2), continuation(3) else { throw error("invalid UTF-8") }
            position += 4
        case 0xF1...0xF3:
            guard continuation(1), continuation(2), continuation(3) else { throw error("invalid UTF-8") }
            position += 4
        case 0xF4:
            guard continuation(1, 0x80, 0x8F), continuation(2), continuation(3) else { throw error("invalid UTF-8") }
            position += 4
        default:
            throw error("invalid UTF-8")
        }
    }
}
