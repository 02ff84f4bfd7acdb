/// A statement parameter, sent in text form except bytes (binary `bytea`).
enum PGValue: Sendable {
    case text(String)
    case double(Double)
    case int(Int64)
    case bytes([UInt8])
    case bool(Bool)
    case null
}
