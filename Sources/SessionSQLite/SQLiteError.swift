internal import CSQLite

/// A failure reported by SQLite, with its result code, message and the statement.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    /// SQLite's primary result code.
    public let code: Int32
    /// SQLite's message.
    public let message: String
    /// The SQL being run, if any.
    public let sql: String?

    public var description: String {
        sql.map { "\(message) (code \(code)) in: \($0.prefix(120))" } ?? "\(message) (code \(code))"
    }

    /// True for "the file is not a database".
    public var isNotADatabase: Bool { code == SQLITE_NOTADB }
    /// True for "the database is corrupt".
    public var isCorrupt: Bool { code == SQLITE_CORRUPT }
    /// True when the file could not be opened at all.
    public var isCannotOpen: Bool { code == SQLITE_CANTOPEN }
    /// True when the file or its folder cannot be written.
    public var isReadOnly: Bool { code == SQLITE_READONLY }
    /// True when another connection held the lock past the busy timeout.
    public var isBusy: Bool { code == SQLITE_BUSY || code == SQLITE_LOCKED }
    /// True for a constraint violation (unique key, check, trigger RAISE).
    public var isConstraint: Bool { code == SQLITE_CONSTRAINT }
}
