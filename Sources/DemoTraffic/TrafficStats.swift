import Foundation

/// Counters the simulated users share, read once a second for the status line.
public final class TrafficStats: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [String: Int] = [:]

    public init() {}

    func add(_ name: String) { lock.withLock { counts[name, default: 0] += 1 } }

    /// A copy of every counter.
    public var snapshot: [String: Int] { lock.withLock { counts } }

    /// `logins 12  refreshes 30  api ok 410  api refused 3  …`, in a fixed order.
    public static func line(_ counts: [String: Int]) -> String {
        ["login", "login_failed", "refresh", "refresh_refused", "api_ok", "api_refused", "logout", "theft"]
            .map { "\($0.replacingOccurrences(of: "_", with: " ")) \(counts[$0] ?? 0)" }.joined(separator: "  ")
    }
}
