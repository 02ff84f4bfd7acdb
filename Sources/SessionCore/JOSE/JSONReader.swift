import Foundation

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

    /// Validates `buffer` as one JSON object by exactly the rules of `parse` (so it accepts
    /// what `parseObject` accepts and refuses what it refuses) without building any value,
    /// and calls `member` with each top-level member in order. Strings come as byte ranges
    /// of `buffer`; nested objects and arrays are validated and passed as ranges. This is
    /// the allocation-free path of token verification.
    static func scanObject(_ buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int = defaultMaxDepth,
                           member: (ScannedString, ScannedValue) throws(JSONError) -> Void) throws(JSONError) {
        var reader = JSONReader(input: buffer, maxDepth: maxDepth)
        reader.skipWhitespace()
        guard !reader.atEnd, buffer[reader.position] == UInt8(ascii: "{") else {
            // Whatever it is, `parse` says why, or that it is not an object.
            _ = try parse(buffer: buffer, maxDepth: maxDepth)
            throw JSONError(message: "not a JSON object", offset: 0)
        }
        try reader.scanObject(depth: 1, member: member)
        reader.skipWhitespace()
        if reader.position != buffer.count { throw reader.error("unexpected data after the JSON value") }
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
        case UInt8(ascii: "\""): return .string(decodeString(try scanString()))
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

    /// Validates an object without building it; `member` sees each member, duplicates refused.
    private mutating func scanObject(depth: Int, member: (ScannedString, ScannedValue) throws(JSONError) -> Void) throws(JSONError) {
        if depth > maxDepth { throw error("JSON nested deeper than \(maxDepth)") }
        position += 1  // {
        skipWhitespace()
        if !atEnd && input[position] == UInt8(ascii: "}") {
            position += 1
            return
        }
        // Member names seen so far, for the duplicate check: on the stack for small objects.
        let capacity = min(input.count / 4 + 1, 64)
        try withUnsafeTemporaryAllocation(of: ScannedString.self, capacity: capacity) { names throws(JSONError) in
            var count = 0
            var overflow: [ScannedString] = []
            // A one-word filter of the names seen: equal names without escapes set the same
            // bit, so names are compared only when a bit repeats or escapes are about.
            var seen: UInt64 = 0
            var escapes = false
            while true {
                skipWhitespace()
                guard !atEnd, input[position] == UInt8(ascii: "\"") else { throw error("expected a member name") }
                let nameOffset = position
                let name = try scanString()
                let bit = filterBit(name)
                escapes = escapes || name.hasEscapes
                let duplicate = (escapes || seen & bit != 0)
                    && (names[..<count].contains { isSameString($0, name) } || overflow.contains { isSameString($0, name) })
                seen |= bit
                if duplicate {
                    throw JSONError(message: "duplicate member name \"\(JSONWriter.escapeForMessage(decodeString(name)))\"", offset: nameOffset)
                }
                if count < capacity { names.initializeElement(at: count, to: name); count += 1 } else { overflow.append(name) }
                skipWhitespace()
                guard !atEnd, input[position] == UInt8(ascii: ":") else { throw error("expected ':'") }
                position += 1
                skipWhitespace()
                try member(name, try scanValue(depth: depth))
                skipWhitespace()
                guard !atEnd else { throw error("unterminated object") }
                switch input[position] {
                case UInt8(ascii: ","): position += 1
                case UInt8(ascii: "}"): position += 1; return
                default: throw error("expected ',' or '}'")
                }
            }
        }
    }

    /// Validates one value without building it.
    private mutating func scanValue(depth: Int) throws(JSONError) -> ScannedValue {
        guard !atEnd else { throw error("unexpected end of JSON") }
        let start = position
        switch input[position] {
        case UInt8(ascii: "{"):
            try scanObject(depth: depth + 1) { _, _ in }
            return .object(start..<position)
        case UInt8(ascii: "["):
            if depth + 1 > maxDepth { throw error("JSON nested deeper than \(maxDepth)") }
            position += 1
            skipWhitespace()
            if !atEnd && input[position] == UInt8(ascii: "]") {
                position += 1
                return .array(start..<position)
            }
            while true {
                skipWhitespace()
                _ = try scanValue(depth: depth + 1)
                skipWhitespace()
                guard !atEnd else { throw error("unterminated array") }
                switch input[position] {
                case UInt8(ascii: ","): position += 1
                case UInt8(ascii: "]"): position += 1; return .array(start..<position)
                default: throw error("expected ',' or ']'")
                }
            }
        case UInt8(ascii: "\""): return .string(try scanString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try scanNumber())
        default: throw error("unexpected character")
        }
    }

    /// The duplicate filter's bit for a name: from its length and its first and last bytes.
    @inline(__always)
    private func filterBit(_ name: ScannedString) -> UInt64 {
        let range = name.range
        guard let last = range.last else { return 1 }
        let mix = Int(input[range.lowerBound]) &* 31 &+ Int(input[last]) &* 7 &+ range.count
        return 1 << UInt64(mix & 63)
    }

    /// True when two scanned strings have the same text after unescaping.
    private func isSameString(_ a: ScannedString, _ b: ScannedString) -> Bool {
        if !a.hasEscapes && !b.hasEscapes {
            let count = a.range.count
            guard count == b.range.count else { return false }
            if count > 16 { return memcmp(input.baseAddress! + a.range.lowerBound, input.baseAddress! + b.range.lowerBound, count) == 0 }
            for offset in 0..<count where input[a.range.lowerBound + offset] != input[b.range.lowerBound + offset] { return false }
            return true
        }
        return decodeString(a) == decodeString(b)
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

    /// Reads one number and returns its value: RFC 8259 syntax, finite.
    private mutating func scanNumber() throws(JSONError) -> Double {
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
        // Fast path: a plain integer of up to 15 digits is exact in a Double; no strtod.
        if isInteger, position - start <= 16 {
            var magnitude: Int64 = 0
            for index in (input[start] == UInt8(ascii: "-") ? start + 1 : start)..<position {
                magnitude = magnitude * 10 + Int64(input[index] - UInt8(ascii: "0"))
            }
            if magnitude < 1_000_000_000_000_000 {
                return Double(input[start] == UInt8(ascii: "-") ? -magnitude : magnitude)
            }
        }
        guard let value = Double(String(decoding: UnsafeBufferPointer(rebasing: input[start..<position]), as: UTF8.self)), value.isFinite else {
            position = start
            throw error("number out of range")
        }
        return value
    }

    @inline(__always) private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// Reads one string, validating its UTF-8 and escapes, and returns where its contents
    /// lie (between the quotes) without building it.
    private mutating func scanString() throws(JSONError) -> ScannedString {
        position += 1  // opening quote
        let start = position
        var hasEscapes = false
        while position < input.count {
            position = JSONReader.skipPlainASCII(input, from: position)
            guard position < input.count else { break }
            let byte = input[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return ScannedString(range: start..<(position - 1), hasEscapes: hasEscapes)
            }
            if byte < 0x20 { throw error("control character in string") }
            if byte < 0x80 && byte != UInt8(ascii: "\\") {
                position += 1
                continue
            }
            if byte >= 0x80 {
                try skipUTF8Sequence()
                continue
            }
            hasEscapes = true
            position += 1
            guard !atEnd else { throw error("unterminated escape") }
            let escape = input[position]
            position += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                 UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                continue
            case UInt8(ascii: "u"):
                let scalar = try readHex4()
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    guard input.count - position >= 6,
                          input[position] == UInt8(ascii: "\\"), input[position + 1] == UInt8(ascii: "u")
                    else { throw error("lone surrogate escape") }
                    position += 2
                    let low = try readHex4()
                    guard low >= 0xDC00 && low < 0xE000 else { throw error("lone surrogate escape") }
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    throw error("lone surrogate escape")
                }
            default:
                position -= 1
                throw error("invalid escape")
            }
        }
        throw error("unterminated string")
    }

    /// The first index at or after `index` whose byte is not plain string text (a quote, a
    /// backslash, a control character or a non-ASCII byte), eight bytes at a time.
    @inline(__always)
    static func skipPlainASCII(_ input: UnsafeBufferPointer<UInt8>, from index: Int) -> Int {
        var index = index
        let base = UnsafeRawPointer(input.baseAddress!)
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while index + 8 <= input.count {
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            // A byte is special when it is < 0x20, == '"', == '\\' or >= 0x80 (SWAR zero-byte tests).
            let quote = word ^ (ones &* 0x22), backslash = word ^ (ones &* 0x5C)
            let special = ((word &- ones &* 0x20) | (quote &- ones) & ~quote | (backslash &- ones) & ~backslash | word) & highs
            if special != 0 { return index + (special.trailingZeroBitCount >> 3) }
            index += 8
        }
        while index < input.count {
            let byte = input[index]
            if byte < 0x20 || byte >= 0x80 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return index }
            index += 1
        }
        return index
    }

    /// The text of a string `scanString` accepted, escapes resolved.
    func decodeString(_ scanned: ScannedString) -> String {
        let contents = UnsafeBufferPointer(rebasing: input[scanned.range])
        guard scanned.hasEscapes else { return String(decoding: contents, as: UTF8.self) }
        return String(decoding: JSONReader.unescape(contents), as: UTF8.self)
    }

    /// The bytes of string contents that passed `scanString`, escapes resolved.
    static func unescape(_ contents: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(contents.count)
        var index = 0
        func hex4(_ at: Int) -> UInt32 {
            var value: UInt32 = 0
            for byte in contents[at..<(at + 4)] {
                let digit: UInt8 = switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
                default: byte - UInt8(ascii: "A") + 10
                }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
        while index < contents.count {
            let byte = contents[index]
            guard byte == UInt8(ascii: "\\") else {
                bytes.append(byte)
                index += 1
                continue
            }
            let escape = contents[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0C)
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex4(index)
                index += 4
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (hex4(index + 2) - 0xDC00)
                    index += 6
                }
                appendUTF8(scalar, to: &bytes)
            default: bytes.append(escape)  // " \ /
            }
        }
        return bytes
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

    private static func appendUTF8(_ scalar: UInt32, to bytes: inout [UInt8]) {
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

/// Where a string's contents lie in the scanned buffer (between the quotes), and whether
/// they hold escapes (and so differ from their text).
struct ScannedString {
    let range: Range<Int>
    let hasEscapes: Bool

    /// True when the string's text is exactly `bytes` (unescaping first when needed).
    func equals(_ bytes: UnsafeBufferPointer<UInt8>, in buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        let contents = UnsafeBufferPointer(rebasing: buffer[range])
        if hasEscapes { return JSONReader.unescape(contents).elementsEqual(bytes) }
        guard contents.count == bytes.count else { return false }
        if bytes.count > 16 { return memcmp(contents.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }
        for index in 0..<bytes.count where contents[index] != bytes[index] { return false }
        return true
    }

    /// True when the string's text is `literal` (ASCII), compared without building a String.
    @inline(__always)
    func `is`(_ literal: StaticString, in buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        equals(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount), in: buffer)
    }

    /// The string's text.
    func text(in buffer: UnsafeBufferPointer<UInt8>) -> String {
        let contents = UnsafeBufferPointer(rebasing: buffer[range])
        if hasEscapes { return String(decoding: JSONReader.unescape(contents), as: UTF8.self) }
        return String(decoding: contents, as: UTF8.self)
    }
}

/// A value `JSONReader.scanObject` validated: scalars with their value, containers by range.
enum ScannedValue {
    case null
    case bool(Bool)
    case number(Double)
    case string(ScannedString)
    case array(Range<Int>)
    case object(Range<Int>)
}
