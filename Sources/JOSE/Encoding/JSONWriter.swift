/// Serialises `JSONValue`s: compact (for signing), sorted compact (for RFC 7638
/// thumbprints) or indented (for people). Output is always valid UTF-8 JSON; strings are
/// escaped per RFC 8259 and numbers are written as they were read.
public enum JSONWriter {
    /// How to lay the text out.
    public enum Style: Sendable {
        /// No whitespace, members in their order.
        case compact
        /// No whitespace, members sorted by name (UTF-16 code units order equals byte
        /// order for the ASCII names JOSE uses).
        case sortedCompact
        /// Two-space indentation, members in their order.
        case pretty
    }

    /// The JSON text of `value`.
    public static func string(_ value: JSONValue, style: Style = .compact) -> String {
        String(decoding: bytes(value, style: style), as: UTF8.self)
    }

    /// The JSON text of an object.
    public static func string(_ object: JSONObject, style: Style = .compact) -> String {
        string(.object(object), style: style)
    }

    /// The UTF-8 bytes of `value`.
    public static func bytes(_ value: JSONValue, style: Style = .compact) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, style: style, indent: 0, into: &out)
        return out
    }

    /// The UTF-8 bytes of an object.
    public static func bytes(_ object: JSONObject, style: Style = .compact) -> [UInt8] {
        bytes(.object(object), style: style)
    }

    private static func write(_ value: JSONValue, style: Style, indent: Int, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n):
            var text = n.text
            text.withUTF8 { out.append(contentsOf: $0) }
        case .string(let s): writeString(s, into: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                newline(style, indent + 1, &out)
                write(element, style: style, indent: indent + 1, into: &out)
            }
            if !elements.isEmpty { newline(style, indent, &out) }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            var members = object.members
            if case .sortedCompact = style { members.sort { Array($0.name.utf8).lexicographicallyPrecedes($1.name.utf8) } }
            for (index, member) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                newline(style, indent + 1, &out)
                writeString(member.name, into: &out)
                out.append(UInt8(ascii: ":"))
                if case .pretty = style { out.append(UInt8(ascii: " ")) }
                write(member.value, style: style, indent: indent + 1, into: &out)
            }
            if !members.isEmpty { newline(style, indent, &out) }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func newline(_ style: Style, _ indent: Int, _ out: inout [UInt8]) {
        guard case .pretty = style else { return }
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * 2))
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    private static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Fast path: nothing to escape (the usual claim or header value), copied as one block.
        var text = s
        let copied = text.withUTF8 { bytes in
            for byte in bytes where byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x7F { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if copied {
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x00..<0x20, 0x7F:
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// A string made safe to quote inside a one-line message: control characters escaped
    /// and long text shortened, so attacker-chosen names cannot forge log lines.
    public static func escapeForMessage(_ s: String, limit: Int = 64) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            if out.unicodeScalars.count >= limit { out += "…"; break }
            switch scalar.value {
            case 0..<0x20, 0x7F, 0x80..<0xA0, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069:
                out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
