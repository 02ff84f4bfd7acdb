/// The reader's lexical rules, shared by parsing and scanning: numbers, strings (UTF-8,
/// escapes, surrogates) and the unescaping of accepted string contents.
extension JSONReader {
    /// Reads one number and returns its value: RFC 8259 syntax, finite.
    mutating func scanNumber() throws(JSONError) -> Double {
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

    @inline(__always) func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// Reads one string, validating its UTF-8 and escapes, and returns where its contents
    /// lie (between the quotes) without building it.
    mutating func scanString() throws(JSONError) -> ScannedString {
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

    /// The text of a string `scanString` accepted, escapes resolved.
    func decodeString(_ scanned: ScannedString) -> String {
        let contents = UnsafeBufferPointer(rebasing: input[scanned.range])
        guard scanned.hasEscapes else { return String(decoding: contents, as: UTF8.self) }
        return String(decoding: JSONReader.unescape(contents), as: UTF8.self)
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

    /// The bytes of string contents that passed `scanString`, escapes resolved.
    static func unescape(_ contents: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(contents.count)
        var index = 0
        func hex4(_ at: Int) -> UInt32 {
            var value: UInt32 = 0
            for byte in contents[at..<(at + 4)] {
                let digit: UInt8 =
                    switch byte {
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

    mutating func readHex4() throws(JSONError) -> UInt32 {
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

    static func appendUTF8(_ scalar: UInt32, to bytes: inout [UInt8]) {
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
    mutating func skipUTF8Sequence() throws(JSONError) {
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
