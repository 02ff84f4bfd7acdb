#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Validation without building values: the verifier's allocation-free path. It shares the
/// reader's string, number and literal rules, so it accepts exactly what `parseObject` accepts.
extension JSONReader {
    /// Validates `buffer` as one JSON object by exactly the rules of `parse` (so it accepts
    /// what `parseObject` accepts and refuses what it refuses) without building any value,
    /// and calls `member` with each top-level member in order. Strings come as byte ranges
    /// of `buffer`; nested objects and arrays are validated and passed as ranges. This is
    /// the allocation-free path of token verification.
    static func scanObject(
        _ buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int = defaultMaxDepth,
        member: (ScannedString, ScannedValue) throws(JSONError) -> Void
    ) throws(JSONError) {
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

    /// Validates an object without building it; `member` sees each member, duplicates refused.
    mutating func scanObject(depth: Int, member: (ScannedString, ScannedValue) throws(JSONError) -> Void) throws(JSONError) {
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
                let duplicate =
                    (escapes || seen & bit != 0)
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
    mutating func scanValue(depth: Int) throws(JSONError) -> ScannedValue {
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
    func filterBit(_ name: ScannedString) -> UInt64 {
        let range = name.range
        guard let last = range.last else { return 1 }
        let mix = Int(input[range.lowerBound]) &* 31 &+ Int(input[last]) &* 7 &+ range.count
        return 1 << UInt64(mix & 63)
    }

    /// True when two scanned strings have the same text after unescaping.
    func isSameString(_ a: ScannedString, _ b: ScannedString) -> Bool {
        if !a.hasEscapes && !b.hasEscapes {
            let count = a.range.count
            guard count == b.range.count else { return false }
            if count > 16 { return memcmp(input.baseAddress! + a.range.lowerBound, input.baseAddress! + b.range.lowerBound, count) == 0 }
            for offset in 0..<count where input[a.range.lowerBound + offset] != input[b.range.lowerBound + offset] { return false }
            return true
        }
        return decodeString(a) == decodeString(b)
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
