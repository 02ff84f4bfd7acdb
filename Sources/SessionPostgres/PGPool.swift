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
    private let lock = NSCondition()
    private var idle: [PGConnection] = []
    private var open = 0

    init(conninfo: String, display: String, size: Int) {
        self.conninfo = conninfo
        self.display = display
        self.size = max(1, size)
    }

    /// Runs `body` on a connection of the pool, mapping database failures to `StoreError`.
    func withConnection<T>(_ body: (PGConnection) throws -> T) throws(StoreError) -> T {
        let connection = try checkOut()
        var healthy = true
        defer { checkIn(connection, healthy: healthy && connection.isHealthy) }
        do {
            return try body(connection)
        } catch let error as StoreError {
            throw error
        } catch let error as PGError {
            healthy = !error.connectionLost
            throw describe(error)
        } catch {
            throw .unusable("PostgreSQL store \(display): \(error)")
        }
    }

    /// Runs `body` in one transaction (`READ COMMITTED`): committed when it returns, rolled
    /// back when it throws. Retried on a serialization failure or deadlock, up to five times.
    func transaction<T>(_ body: (PGConnection) throws -> T) throws(StoreError) -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try withConnection { connection in
                    try connection.execute("BEGIN")
                    do {
                        let result = try body(connection)
                        try connection.execute("COMMIT")
                        return result
                    } catch {
                        if connection.isHealthy { try? connection.execute("ROLLBACK") }
                        throw error
                    }
                }
            } catch .busy(let message) where message.hasPrefix(Self.retryMarker) && attempt < 5 {
                usleep(UInt32.random(in: 1_000...(5_000 * UInt32(attempt))))
            }
        }
    }

    private static let retryMarker = "transaction conflict: "

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
            return connection
        }
        open += 1
        lock.unlock()
        do {
            return try PGConnection(conninfo: conninfo)
        } catch {
            lock.lock()
            open -= 1
            lock.signal()
            lock.unlock()
            throw describe(error)
        }
    }

    private func checkIn(_ connection: PGConnection, healthy: Bool) {
        lock.lock()
        if healthy { idle.append(connection) } else { open -= 1 }
        lock.signal()
        lock.unlock()
    }
}
