import Foundation
import SessionCore

/// A small pool of connections to one database, sized for the worker threads that call the
/// store. Connections open on first need; one that broke is dropped and the next caller
/// gets a fresh one, so service resumes by itself once the server is back.
///
/// Guarantees: a connection is used by one caller at a time; every write runs in one
/// transaction, retried (bounded, with jitter) on a serialization failure or deadlock and
/// never half-applied; a lost connection is `StoreError.busy` (retryable), a permission or
/// read-only refusal `.unusable`, a duplicate key `.refused`. Thread-safe.
final class PGPool: @unchecked Sendable {
    private let conninfo: String
    private let display: String
    private let size: Int
    /// Every connection's transactions are read-only (`SET SESSION CHARACTERISTICS`): the
    /// server refuses any write, whatever the caller does.
    private let readOnly: Bool
    private let lock = NSCondition()
    private var idle: [PGConnection] = []
    private var open = 0

    init(conninfo: String, display: String, size: Int, readOnly: Bool = false) {
        self.conninfo = conninfo
        self.display = display
        self.size = max(1, size)
        self.readOnly = readOnly
    }

    /// Runs `body` (reads only) on a connection of the pool, mapping database failures to
    /// `StoreError`. A connection found dead is replaced and the read made once more.
    func withConnection<T>(_ body: (PGConnection) throws -> T) throws(StoreError) -> T {
        do {
            return try once(body)
        } catch .busy(let message) where message.hasPrefix(Self.staleMarker) {
            return try once(body)
        }
    }

    /// Runs `body` in one transaction (`READ COMMITTED`): committed when it returns, rolled
    /// back when it throws. Run again on a serialization failure or deadlock (up to five
    /// times), and when the connection was found dead before `BEGIN` (nothing was sent);
    /// never when it broke later, since the outcome of a lost `COMMIT` is unknown.
    func transaction<T>(_ body: (PGConnection) throws -> T) throws(StoreError) -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try once { connection in
                    try connection.execute("BEGIN")
                    do {
                        let result = try body(connection)
                        try connection.execute("COMMIT")
                        return result
                    } catch let error as PGError where error.connectionLost {
                        throw PGError(sqlState: error.sqlState, message: error.message, connectionLost: true, afterBegin: true)
                    } catch {
                        if connection.isHealthy { try? connection.execute("ROLLBACK") }
                        throw error
                    }
                }
            } catch .busy(let message) where message.hasPrefix(Self.retryMarker) && attempt < 5 {
                usleep(UInt32.random(in: 1_000...(5_000 * UInt32(attempt))))
            } catch .busy(let message) where message.hasPrefix(Self.staleMarker) && attempt < 3 {
                continue
            }
        }
    }

    /// One use of one connection. A lost connection drops every idle one too: after a
    /// server restart they are all dead, and each would fail one more request.
    private func once<T>(_ body: (PGConnection) throws -> T) throws(StoreError) -> T {
        let connection = try checkOut()
        var healthy = true
        defer { checkIn(connection, healthy: healthy && connection.isHealthy) }
        do {
            return try body(connection)
        } catch let error as StoreError {
            throw error
        } catch let error as PGError {
            healthy = !error.connectionLost
            if error.connectionLost {
                dropIdle()
                if !error.afterBegin && connection.wasReused { throw .busy(Self.staleMarker + error.message) }
            }
            throw describe(error)
        } catch {
            throw .unusable("PostgreSQL store \(display): \(error)")
        }
    }

    private static let retryMarker = "transaction conflict: "
    private static let staleMarker = "stale connection: "

    /// A one-line `StoreError` for a database failure; never holds a password.
    func describe(_ error: PGError) -> StoreError {
        if error.connectionLost { return .busy("PostgreSQL store \(display) is unavailable: \(error.message); try again") }
        if error.isRetryable { return .busy(Self.retryMarker + error.message) }
        if error.isUniqueViolation { return .refused(error.message) }
        if error.isPermissionDenied || error.isReadOnly {
            return .unusable("PostgreSQL store \(display) refused the request: \(error.message) (a read-only connection?)")
        }
        if error.isUndefinedTable { return .unusable("\(display) is not a sessions store: \(error.message)") }
        return .unusable("PostgreSQL store \(display): \(error.description)")
    }

    private func checkOut() throws(StoreError) -> PGConnection {
        lock.lock()
        while idle.isEmpty && open >= size { lock.wait() }
        if let connection = idle.popLast() {
            lock.unlock()
            connection.wasReused = true
            return connection
        }
        open += 1
        lock.unlock()
        do {
            let connection = try PGConnection(conninfo: conninfo)
            if readOnly { _ = try connection.query("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY") }
            return connection
        } catch {
            lock.lock()
            open -= 1
            lock.signal()
            lock.unlock()
            throw describe(error)
        }
    }

    /// Closes every idle connection (they are probably dead).
    private func dropIdle() {
        lock.lock()
        let dropped = idle.count
        idle.removeAll()
        open -= dropped
        lock.broadcast()
        lock.unlock()
    }

    private func checkIn(_ connection: PGConnection, healthy: Bool) {
        lock.lock()
        if healthy { idle.append(connection) } else { open -= 1 }
        lock.signal()
        lock.unlock()
    }
}
