import Foundation

/// Counts failed logins per user and per address in a sliding window and says when to
/// refuse before the password is even checked. Memory is bounded: past `maxTracked`
/// identities, the oldest are forgotten.
final class LoginThrottle: @unchecked Sendable {
    private struct Record {
        var failures: [Double] = []
    }

    private let lock = NSLock()
    private var users: [String: Record] = [:]
    private var addresses: [String: Record] = [:]
    private let perUser: Int
    private let perAddress: Int
    private let window: Double
    private let maxTracked: Int

    init(perUser: Int, perAddress: Int, window: Double, maxTracked: Int = 100_000) {
        self.perUser = perUser
        self.perAddress = perAddress
        self.window = window
        self.maxTracked = maxTracked
    }

    /// Seconds until another attempt is allowed for this user or address, or nil when allowed.
    func retryAfter(user: String, address: String, now: Double) -> Double? {
        lock.withLock {
            let waits = [Self.wait(users[user.lowercased()], limit: perUser, window: window, now: now),
                         Self.wait(addresses[address], limit: perAddress, window: window, now: now)].compactMap { $0 }
            return waits.max()
        }
    }

    /// Records a failure.
    func recordFailure(user: String, address: String, now: Double) {
        lock.withLock {
            Self.add(&users, user.lowercased(), now: now, window: window, max: maxTracked)
            Self.add(&addresses, address, now: now, window: window, max: maxTracked)
        }
    }

    /// A success clears the user's failures (not the address's: one address may spray many users).
    func recordSuccess(user: String) {
        lock.withLock { _ = users.removeValue(forKey: user.lowercased()) }
    }

    /// Forgets windows that have passed.
    func prune(now: Double) {
        lock.withLock {
            users = users.filter { ($0.value.failures.last ?? 0) > now - window }
            addresses = addresses.filter { ($0.value.failures.last ?? 0) > now - window }
        }
    }

    private static func wait(_ record: Record?, limit: Int, window: Double, now: Double) -> Double? {
        guard let record else { return nil }
        let recent = record.failures.filter { $0 > now - window }
        guard recent.count >= limit, let oldest = recent.first else { return nil }
        return max(1, oldest + window - now)
    }

    private static func add(_ table: inout [String: Record], _ key: String, now: Double, window: Double, max: Int) {
        if table[key] == nil, table.count >= max {
            // Forget the identity whose last failure is oldest.
            if let stalest = table.min(by: { ($0.value.failures.last ?? 0) < ($1.value.failures.last ?? 0) })?.key {
                table[stalest] = nil
            }
        }
        var record = table[key] ?? Record()
        record.failures = record.failures.filter { $0 > now - window }.suffix(64) + [now]
        table[key] = record
    }
}
