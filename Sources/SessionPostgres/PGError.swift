/// A failure reported by libpq or the server: the SQLSTATE (empty for client-side
/// failures) and the server's one-line message. Never holds a password: libpq does not put
/// one in its messages, and statements carry none.
struct PGError: Error, Sendable, CustomStringConvertible {
    let sqlState: String
    let message: String
    /// The connection is gone (server restart, network cut): the request may be retried.
    let connectionLost: Bool
    /// The connection broke inside a transaction that had begun: its outcome is unknown.
    var afterBegin = false

    init(sqlState: String, message: String, connectionLost: Bool, afterBegin: Bool = false) {
        self.sqlState = sqlState
        self.message = message
        self.connectionLost = connectionLost
        self.afterBegin = afterBegin
    }

    var description: String { sqlState.isEmpty ? message : "\(message) (SQLSTATE \(sqlState))" }

    /// A serialization failure or deadlock: the transaction may simply be run again.
    var isRetryable: Bool { sqlState == "40001" || sqlState == "40P01" }
    var isUniqueViolation: Bool { sqlState == "23505" }
    var isPermissionDenied: Bool { sqlState == "42501" }
    var isReadOnly: Bool { sqlState == "25006" }
    var isUndefinedTable: Bool { sqlState == "42P01" }
}
