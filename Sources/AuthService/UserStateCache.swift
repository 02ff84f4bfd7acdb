import Foundation
import SessionCore

/// Whether a user may still refresh, remembered for `lifetime` seconds so the refresh path
/// does not read the users table on every request. Disabling a user therefore stops their
/// refreshes within `lifetime` (1 s by default), like every other change the service follows.
final class UserStateCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: (usable: Bool, until: Double)] = [:]
    private let lifetime: Double

    init(lifetime: Double = 1) { self.lifetime = lifetime }

    /// The remembered answer for `user`, if still fresh.
    func usable(_ user: String, now: Double) -> Bool? {
        lock.withLock {
            guard let entry = entries[user], entry.until > now else { return nil }
            return entry.usable
        }
    }

    func remember(_ user: String, usable: Bool, now: Double) {
        lock.withLock {
            if entries.count > 100_000 { entries = entries.filter { $0.value.until > now } }
            entries[user] = (usable, now + lifetime)
        }
    }
}
