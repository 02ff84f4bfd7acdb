import Foundation

/// Wakes long-polling feed requests when the store's revocation sequence moves.
///
/// The service's ticker calls `observe(latest:)` with the highest sequence it saw (from any
/// writer: this process, `sessionctl`, the console); waiters for a lower sequence resume.
final class RevocationFeedWatcher: @unchecked Sendable {
    private let lock = NSLock()
    private var latest: Int64 = 0
    private var waiters: [UUID: (after: Int64, continuation: CheckedContinuation<Void, Never>)] = [:]
    /// Waiters whose timer ran out before they registered.
    private var expired = Set<UUID>()

    var latestSequence: Int64 { lock.withLock { latest } }
    var waiterCount: Int { lock.withLock { waiters.count } }

    /// Records the highest sequence seen and wakes everyone waiting for something newer.
    func observe(latest sequence: Int64) {
        let ready: [CheckedContinuation<Void, Never>] = lock.withLock {
            guard sequence > latest else { return [] }
            latest = sequence
            let due = waiters.filter { $0.value.after < sequence }
            for id in due.keys { waiters[id] = nil }
            return due.map(\.value.continuation)
        }
        for continuation in ready { continuation.resume() }
    }

    /// Returns when a sequence above `after` has been seen, or after `timeout` seconds.
    func wait(after: Int64, timeout: Double) async {
        let id = UUID()
        let timer = Task { [weak self] in
            try? await Task.sleep(for: .milliseconds(Int(timeout * 1000)))
            if !Task.isCancelled { self?.expire(id) }
        }
        defer { timer.cancel() }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow: Bool = lock.withLock {
                if latest > after || expired.remove(id) != nil { return true }
                waiters[id] = (after, continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// The timer of waiter `id` ran out: resume it, or note it for a registration still to come.
    private func expire(_ id: UUID) {
        let continuation: CheckedContinuation<Void, Never>? = lock.withLock {
            if let waiter = waiters.removeValue(forKey: id) { return waiter.continuation }
            expired.insert(id)
            return nil
        }
        continuation?.resume()
    }
}
