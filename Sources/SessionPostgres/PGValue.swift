/// A statement parameter, sent in text form except bytes (binary `bytea`).
enum PGValue: Sendable {
    case text(String)
    case double(Double)
    case int(Int64)
    case bytes([UInt8])
    case bool(Bool)
    case null
}

extension PGValue {
    /// An array in PostgreSQL's text form (`{…}`), for `unnest($1::bytea[])` and the like:
    /// texts quoted with `"` and `\` escaped, bytes as quoted `\\x` hex, NULL as `NULL`.
    static func array(_ items: [PGValue]) -> PGValue {
        let digits = Array("0123456789abcdef")
        let elements = items.map { item -> String in
            switch item {
            case .null: return "NULL"
            case .double(let value): return "\(value)"
            case .int(let value): return String(value)
            case .bool(let value): return value ? "t" : "f"
            case .text(let text): return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
            case .bytes(let bytes):
                var hex = "\"\\\\x"
                hex.reserveCapacity(bytes.count * 2 + 5)
                for byte in bytes {
                    hex.append(digits[Int(byte >> 4)])
                    hex.append(digits[Int(byte & 0x0F)])
                }
                return hex + "\""
            }
        }
        return .text("{" + elements.joined(separator: ",") + "}")
    }
}
