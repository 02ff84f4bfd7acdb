import SessionCore
import Synchronization

/// Login-attempt outcomes the store could not take when they were known (it was away);
/// written again on the next upkeep tick. Bounded: past 10,000 the oldest are dropped
/// (their slots then lapse after `LoginLimits.pendingLifetime`).
final class UnsettledAttempts: Sendable {
    private let items = Mutex<[(Int64, LoginAttemptOutcome)]>([])
    private static let limit = 10_000

    var isEmpty: Bool { items.withLock { $0.isEmpty } }

    func add(_ attempt: Int64, _ outcome: LoginAttemptOutcome) {
        items.withLock { list in
            list.append((attempt, outcome))
            if list.count > Self.limit { list.removeFirst(list.count - Self.limit) }
        }
    }

    /// Everything waiting, removed.
    func drain() -> [(Int64, LoginAttemptOutcome)] {
        items.withLock { list in
            defer { list = [] }
            return list
        }
    }
}
