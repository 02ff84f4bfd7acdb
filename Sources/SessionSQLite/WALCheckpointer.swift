import Foundation

/// Who copies the write-ahead log back into the database file.
public enum WALCheckpoints: Sendable {
    /// SQLite's default: the committing connection checkpoints every 1,000 pages, and that
    /// commit waits for the copy and its fsync. Right for short-lived writers (sessionctl).
    case automatic
    /// A thread of the store's own checkpoints every `interval` seconds on a connection of
    /// its own (`PASSIVE`: it never blocks writers or readers), so no commit of a busy
    /// writer (sessiond) waits for an fsync. The writer still checkpoints by itself past
    /// 16,384 pages (64 MiB) should the thread fall behind, and the log is truncated to
    /// 64 MiB whenever it restarts.
    case background(interval: Double)
}

/// The thread behind `WALCheckpoints.background`. Its connection is opened in `init` and
/// used and closed only by the thread; the thread ends after at most one more checkpoint
/// once `stop()` is called or the checkpointer is released.
final class WALCheckpointer: Sendable {
    /// The writer's own checkpoint threshold while a checkpointer runs, in pages.
    static let backstopPages = 16_384
    /// The size the log is cut back to when it restarts, in bytes.
    static let journalSizeLimit = 64 * 1024 * 1024

    private let signal = StopSignal()

    /// Opens a connection to `path` and starts checkpointing every `interval` seconds.
    init(path: String, interval: Double) throws(SQLiteError) {
        nonisolated(unsafe) var connection: SQLiteConnection? = try SQLiteConnection(path: path, create: false)
        let signal = self.signal
        let thread = Thread {
            while signal.sleep(interval) {
                _ = try? connection?.scalarInt("PRAGMA wal_checkpoint(PASSIVE)")
            }
            connection = nil
        }
        thread.name = "sqlite-checkpoint"
        thread.start()
    }

    /// Ends the thread.
    func stop() { signal.stop() }

    deinit { signal.stop() }
}

/// A stop flag a thread can sleep on.
private final class StopSignal: @unchecked Sendable {
    // `stopped` is only touched with `condition` locked.
    private let condition = NSCondition()
    private var stopped = false

    /// Waits `seconds` or until stopped; false once stopped.
    func sleep(_ seconds: Double) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if !stopped { _ = condition.wait(until: Date(timeIntervalSinceNow: seconds)) }
        return !stopped
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
