import Foundation
import Synchronization

/// Whether the store answered lately: every store call reports here, and `/healthz` says
/// what it last saw, so a load balancer can route around an instance whose database is away.
final class StoreHealth: Sendable {
    private let state = Mutex<(healthy: Bool, since: Double)>((true, 0))

    /// Notes a store call's outcome at `now`: a `busy` store (down, restarting, locked) is
    /// unhealthy until a call succeeds. True when this changed the state.
    @discardableResult
    func note(healthy: Bool, at now: Double) -> Bool {
        state.withLock { current in
            guard current.healthy != healthy else { return false }
            current = (healthy, now)
            return true
        }
    }

    /// Healthy, or unhealthy since when.
    var status: (healthy: Bool, since: Double) { state.withLock { $0 } }
}
