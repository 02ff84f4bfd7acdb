internal import CPostgres

/// One query result: the single owner of a `PGresult*`, freed in `deinit`. Values are read
/// in text form.
final class PGResult {
    private let pointer: OpaquePointer

    init(taking pointer: OpaquePointer) { self.pointer = pointer }
    deinit { PQclear(pointer) }

    var rowCount: Int { Int(PQntuples(pointer)) }
    /// Rows changed by an INSERT, UPDATE or DELETE.
    var changed: Int { Int(String(cString: PQcmdTuples(pointer))) ?? 0 }

    func isNull(_ row: Int, _ column: Int) -> Bool { PQgetisnull(pointer, Int32(row), Int32(column)) == 1 }

    func text(_ row: Int, _ column: Int) -> String {
        String(cString: PQgetvalue(pointer, Int32(row), Int32(column)))
    }

    func optionalText(_ row: Int, _ column: Int) -> String? { isNull(row, column) ? nil : text(row, column) }
    func double(_ row: Int, _ column: Int) -> Double { Double(text(row, column)) ?? 0 }
    func optionalDouble(_ row: Int, _ column: Int) -> Double? { isNull(row, column) ? nil : double(row, column) }
    func int64(_ row: Int, _ column: Int) -> Int64 { Int64(text(row, column)) ?? 0 }
    func int(_ row: Int, _ column: Int) -> Int { Int(int64(row, column)) }
    func bool(_ row: Int, _ column: Int) -> Bool { text(row, column) == "t" }

    /// A `bytea` value (hex text form `\x…`).
    func bytes(_ row: Int, _ column: Int) -> [UInt8] {
        let value = PQgetvalue(pointer, Int32(row), Int32(column))!
        let length = Int(PQgetlength(pointer, Int32(row), Int32(column)))
        guard length >= 2 else { return [] }
        var out = [UInt8]()
        out.reserveCapacity((length - 2) / 2)
        func nibble(_ c: CChar) -> UInt8 {
            let v = UInt8(bitPattern: c)
            switch v {
            case 0x30...0x39: return v - 0x30
            case 0x61...0x66: return v - 0x61 + 10
            case 0x41...0x46: return v - 0x41 + 10
            default: return 0
            }
        }
        var index = 2
        while index + 1 < length {
            out.append(nibble(value[index]) << 4 | nibble(value[index + 1]))
            index += 2
        }
        return out
    }

    func optionalBytes(_ row: Int, _ column: Int) -> [UInt8]? { isNull(row, column) ? nil : bytes(row, column) }

    /// Every row mapped by `body`.
    func map<T>(_ body: (Int) throws -> T) rethrows -> [T] {
        try (0..<rowCount).map(body)
    }
}
