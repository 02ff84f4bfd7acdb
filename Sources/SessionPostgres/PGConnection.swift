internal import CPostgres
import Foundation

/// One connection to PostgreSQL: the single owner of a `PGconn*`, closed in `deinit`.
///
/// Statements run through `query` are prepared once per connection and then executed by
/// name. Not thread-safe: the pool hands a connection to one caller at a time.
final class PGConnection {
    private let pointer: OpaquePointer
    private var prepared: [String: String] = [:]
    /// True once the pool has handed this connection out before: a failure on first use
    /// after a rest may just mean it went stale.
    var wasReused = false

    /// Connects with a libpq connection string (URI or `key=value` pairs; `PG*` variables,
    /// `~/.pgpass` and service files apply as libpq applies them).
    init(conninfo: String) throws(PGError) {
        guard let connection = PQconnectdb(conninfo) else {
            throw PGError(sqlState: "", message: "out of memory connecting to PostgreSQL", connectionLost: true)
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.firstLine(String(cString: PQerrorMessage(connection)))
            PQfinish(connection)
            throw PGError(sqlState: "08006", message: message, connectionLost: true)
        }
        // Server notices (a backend terminated, a deprecation) would go to stderr otherwise:
        // errors reach the caller as results; notices carry nothing the caller needs.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        pointer = connection
    }

    deinit { PQfinish(pointer) }

    /// True while the connection is usable.
    var isHealthy: Bool { PQstatus(pointer) == CONNECTION_OK }

    /// The server's version number (150004 for 15.4).
    var serverVersion: Int { Int(PQserverVersion(pointer)) }

    /// Runs one or more statements without parameters (migrations, `BEGIN`, `COMMIT`).
    func execute(_ sql: String) throws(PGError) {
        let result = try check(PQexec(pointer, sql))
        _ = result
    }

    /// Runs `sql` with `parameters` through a statement prepared on first use, or, with
    /// `planEachTime`, as an unnamed statement the server plans for these very values.
    @discardableResult
    func query(_ sql: String, _ parameters: [PGValue] = [], planEachTime: Bool = false) throws(PGError) -> PGResult {
        if planEachTime {
            return try withParameters(parameters) { values, lengths, formats throws(PGError) -> PGResult in
                try check(PQexecParams(pointer, sql, Int32(parameters.count), nil, values, lengths, formats, 0))
            }
        }
        let name: String
        if let known = prepared[sql] {
            name = known
        } else {
            name = "s\(prepared.count + 1)"
            _ = try check(PQprepare(pointer, name, sql, 0, nil))
            prepared[sql] = name
        }
        return try withParameters(parameters) { values, lengths, formats throws(PGError) -> PGResult in
            try check(PQexecPrepared(pointer, name, Int32(parameters.count), values, lengths, formats, 0))
        }
    }

    /// Streams `rows` into `COPY table (columns) FROM STDIN` (text format): the fastest way
    /// to load many rows. Each value is text, bytes (`bytea`) or nil.
    func copy(_ table: String, columns: [String], rows: [[PGValue]]) throws(PGError) {
        let started = PQexec(pointer, "COPY \(table) (\(columns.joined(separator: ", "))) FROM STDIN")
        guard let started, PQresultStatus(started) == PGRES_COPY_IN else {
            _ = try check(started)
            return
        }
        PQclear(started)
        var buffer = [UInt8]()
        buffer.reserveCapacity(1 << 20)
        func flush() throws(PGError) {
            guard !buffer.isEmpty else { return }
            let sent = buffer.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { PQputCopyData(pointer, $0.baseAddress, Int32($0.count)) }
            }
            guard sent == 1 else { throw connectionError() }
            buffer.removeAll(keepingCapacity: true)
        }
        for row in rows {
            for (index, value) in row.enumerated() {
                if index > 0 { buffer.append(0x09) }
                Self.appendCopyField(value, to: &buffer)
            }
            buffer.append(0x0A)
            if buffer.count > 1 << 20 { try flush() }
        }
        try flush()
        guard PQputCopyEnd(pointer, nil) == 1 else { throw connectionError() }
        var failure: PGError?
        while let result = PQgetResult(pointer) {
            do {
                _ = try check(result)
            } catch {
                failure = failure ?? error
            }
        }
        if let failure { throw failure }
    }

    /// One field of COPY's text format: `\N` for NULL; backslash, tab, newline and carriage
    /// return escaped; bytes as `\\x` and hex.
    private static func appendCopyField(_ value: PGValue, to buffer: inout [UInt8]) {
        func text(_ string: String) {
            for byte in string.utf8 {
                switch byte {
                case 0x5C: buffer += [0x5C, 0x5C]
                case 0x09: buffer += [0x5C, 0x74]
                case 0x0A: buffer += [0x5C, 0x6E]
                case 0x0D: buffer += [0x5C, 0x72]
                default: buffer.append(byte)
                }
            }
        }
        switch value {
        case .null: buffer += [0x5C, 0x4E]
        case .text(let string): text(string)
        case .double(let number): text(Self.text(number))
        case .int(let number): text(String(number))
        case .bool(let flag): buffer.append(flag ? 0x74 : 0x66)
        case .bytes(let bytes):
            let digits = Array("0123456789abcdef".utf8)
            buffer += [0x5C, 0x5C, 0x78]
            for byte in bytes { buffer += [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]] }
        }
    }

    /// `LISTEN channel` on this connection.
    func listen(_ channel: String) throws(PGError) {
        try execute("LISTEN \(channel)")
    }

    /// The socket to wait on for notifications.
    var socket: Int32 { PQsocket(pointer) }

    /// Reads what the server sent and returns the notification payloads that arrived;
    /// throws when the connection is gone.
    func notifications() throws(PGError) -> [String] {
        guard PQconsumeInput(pointer) == 1 else { throw connectionError() }
        var payloads: [String] = []
        while let notify = PQnotifies(pointer) {
            payloads.append(String(cString: notify.pointee.extra))
            PQfreemem(notify)
        }
        return payloads
    }

    /// Binds `parameters` as C arrays for the duration of `body`.
    private func withParameters<T>(
        _ parameters: [PGValue],
        _ body: (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) throws(PGError) -> T
    ) throws(PGError) -> T {
        var storage: [[CChar]?] = []
        var lengths: [Int32] = []
        var formats: [Int32] = []
        for parameter in parameters {
            switch parameter {
            case .text(let text): storage.append(Array(text.utf8CString)); lengths.append(0); formats.append(0)
            case .double(let value): storage.append(Array(Self.text(value).utf8CString)); lengths.append(0); formats.append(0)
            case .int(let value): storage.append(Array(String(value).utf8CString)); lengths.append(0); formats.append(0)
            case .bool(let value): storage.append(Array((value ? "t" : "f").utf8CString)); lengths.append(0); formats.append(0)
            case .bytes(let bytes): storage.append(bytes.map { CChar(bitPattern: $0) } + [0]); lengths.append(Int32(bytes.count)); formats.append(1)
            case .null: storage.append(nil); lengths.append(0); formats.append(0)
            }
        }
        // Stable pointers for every value while libpq reads them.
        let buffers: [UnsafeMutableBufferPointer<CChar>?] = storage.map { value in
            guard let value else { return nil }
            let buffer = UnsafeMutableBufferPointer<CChar>.allocate(capacity: value.count)
            _ = buffer.initialize(from: value)
            return buffer
        }
        defer { buffers.forEach { $0?.deallocate() } }
        let pointers: [UnsafePointer<CChar>?] = buffers.map { $0.map { UnsafePointer($0.baseAddress!) } }
        return try pointers.withUnsafeBufferPointer { values throws(PGError) -> T in
            try lengths.withUnsafeBufferPointer { lengths throws(PGError) -> T in
                try formats.withUnsafeBufferPointer { formats throws(PGError) -> T in
                    try body(values.baseAddress, lengths.baseAddress, formats.baseAddress)
                }
            }
        }
    }

    /// A double in PostgreSQL's text form, exactly: Swift prints the shortest text that
    /// reads back to the same value.
    private static func text(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "Infinity" : "-Infinity" }
        return "\(value)"
    }

    /// Wraps a result, throwing the server's error when the statement failed.
    private func check(_ result: OpaquePointer?) throws(PGError) -> PGResult {
        guard let result else { throw connectionError() }
        let status = PQresultStatus(result)
        if status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY {
            return PGResult(taking: result)
        }
        let state = PQresultErrorField(result, shim_PG_DIAG_SQLSTATE()).map { String(cString: $0) } ?? ""
        let primary = PQresultErrorField(result, shim_PG_DIAG_MESSAGE_PRIMARY()).map { String(cString: $0) }
        let message = primary ?? Self.firstLine(String(cString: PQresultErrorMessage(result)))
        PQclear(result)
        let lost = PQstatus(pointer) != CONNECTION_OK
        if lost { prepared = [:] }
        throw PGError(sqlState: lost && state.isEmpty ? "08006" : state, message: message, connectionLost: lost)
    }

    private func connectionError() -> PGError {
        prepared = [:]
        return PGError(sqlState: "08006", message: Self.firstLine(String(cString: PQerrorMessage(pointer))), connectionLost: true)
    }

    static func firstLine(_ text: String) -> String {
        let line = text.split(separator: "\n").first.map(String.init) ?? text
        return line.isEmpty ? "the connection to PostgreSQL failed" : line
    }
}
