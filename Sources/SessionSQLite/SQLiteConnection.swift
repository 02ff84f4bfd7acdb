internal import CSQLite

/// Durability of committed transactions.
public enum SQLiteSynchronous: String, Sendable {
    /// WAL with `synchronous=NORMAL`: a commit survives a process crash (kill -9); after a
    /// power loss or OS crash the last few commits may roll back, never corrupting the file.
    case normal = "NORMAL"
    /// `synchronous=FULL`: every commit waits for the disk flush, surviving power loss too
    /// (costs 0.1–4 ms per write on this machine's shared disk).
    case full = "FULL"
}

/// One SQLite connection: the single owner of a `sqlite3*`, closed in `deinit` (and when
/// opening fails). Set up with WAL, a busy timeout, foreign keys and a statement cache.
///
/// Not thread-safe by itself: `SQLiteSessionStore` serialises all access.
public final class SQLiteConnection {
    let pointer: OpaquePointer
    /// The file path (or `:memory:`).
    public let path: String
    private var cache: [String: SQLiteStatement] = [:]

    /// Opens (and, when `create` is true, creates) the database at `path`.
    public init(
        path: String, create: Bool, readOnly: Bool = false, synchronous: SQLiteSynchronous = .normal,
        busyTimeoutMilliseconds: Int32 = 5000
    ) throws(SQLiteError) {
        var db: OpaquePointer?
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        if readOnly {
            flags |= SQLITE_OPEN_READONLY
        } else {
            flags |= SQLITE_OPEN_READWRITE
            if create { flags |= SQLITE_OPEN_CREATE }
        }
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            if let db { sqlite3_close_v2(db) }
            throw SQLiteError(code: rc & 0xFF, message: message, sql: nil)
        }
        self.pointer = db
        self.path = path
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
        sqlite3_extended_result_codes(db, 1)
        // The first read touches the file header: a file that is not SQLite fails here,
        // before anything is written.
        _ = try scalarInt("PRAGMA schema_version")
        if !readOnly {
            let mode = try scalarText("PRAGMA journal_mode=WAL")
            if mode.lowercased() != "wal" && path != ":memory:" {
                throw SQLiteError(code: SQLITE_ERROR, message: "cannot switch \(path) to WAL mode (got \(mode))", sql: nil)
            }
            try execute("PRAGMA synchronous=\(synchronous.rawValue)")
        }
        try execute("PRAGMA foreign_keys=ON")
        // 8 MiB page cache: a long-running reader (the console, sessiond) stays small; bulk
        // imports raise it for their duration.
        try execute("PRAGMA cache_size=-8192")
    }

    deinit {
        cache.removeAll()
        sqlite3_close_v2(pointer)
    }

    func error(_ rc: Int32, sql: String?) -> SQLiteError {
        SQLiteError(code: rc & 0xFF, message: String(cString: sqlite3_errmsg(pointer)), sql: sql)
    }

    /// Runs one or more statements without parameters.
    public func execute(_ sql: String) throws(SQLiteError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(pointer, sql, nil, nil, &errorMessage)
        if rc != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(pointer))
            sqlite3_free(errorMessage)
            throw SQLiteError(code: rc & 0xFF, message: message, sql: sql)
        }
    }

    /// The cached prepared statement for `sql`, reset and bound to `values`.
    public func statement(_ sql: String, _ values: [SQLiteStatement.Value] = []) throws(SQLiteError) -> SQLiteStatement {
        let statement: SQLiteStatement
        if let cached = cache[sql] {
            statement = cached
        } else {
            statement = try SQLiteStatement(connection: self, sql: sql)
            cache[sql] = statement
        }
        try statement.bind(values)
        return statement
    }

    /// Runs `sql` with `values`, discarding rows.
    public func run(_ sql: String, _ values: [SQLiteStatement.Value] = []) throws(SQLiteError) {
        try statement(sql, values).run()
    }

    /// Runs a query and maps each row.
    public func query<T>(_ sql: String, _ values: [SQLiteStatement.Value] = [], _ row: (SQLiteStatement) throws -> T) throws -> [T] {
        let statement = try statement(sql, values)
        defer { sqlite3_reset(statement.pointer) }
        var out: [T] = []
        while try statement.step() { out.append(try row(statement)) }
        return out
    }

    /// The first column of the first row as an integer (0 when there is no row).
    public func scalarInt(_ sql: String, _ values: [SQLiteStatement.Value] = []) throws(SQLiteError) -> Int64 {
        let statement = try statement(sql, values)
        defer { sqlite3_reset(statement.pointer) }
        return try statement.step() ? statement.int64(0) : 0
    }

    /// The first column of the first row as text ("" when there is no row).
    public func scalarText(_ sql: String, _ values: [SQLiteStatement.Value] = []) throws(SQLiteError) -> String {
        let statement = try statement(sql, values)
        defer { sqlite3_reset(statement.pointer) }
        return try statement.step() ? statement.text(0) : ""
    }

    /// Rows changed by the last statement.
    public var changes: Int { Int(sqlite3_changes(pointer)) }

    /// The rowid of the last row inserted on this connection.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(pointer) }

    /// Runs `body` in a transaction (`BEGIN IMMEDIATE`, so writers queue on the lock at
    /// the start rather than fail at commit). Commits when `body` returns, rolls back when
    /// it throws: nothing is half-written.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        // Cached statements: a busy writer begins and commits thousands of times a second.
        try run("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try run("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }
}
