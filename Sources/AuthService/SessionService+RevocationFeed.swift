import Foundation
import Logging
import SessionCore
import JOSE

/// The revocation feed, server side: pages after a sequence number, long polls woken by new events.
extension SessionService {
    /// Events after `after`; waits up to `wait` seconds for one when there are none.
    public func revocations(after: Int64, wait: Double) async throws(OAuthError) -> RevocationFeedPage {
        let limit = 1_000
        var events = try await withStore { store throws(StoreError) in try store.revocations(after: after, limit: limit) }
        // Waiting is bounded too: past 10,000 parked followers, answer at once (they poll again).
        if events.isEmpty, wait > 0, watcher.waiterCount < 10_000 {
            metrics.set("sessiond_revocation_feed_waiters", Double(watcher.waiterCount + 1))
            await watcher.wait(after: after, timeout: min(wait, configuration.maxFeedWait))
            metrics.set("sessiond_revocation_feed_waiters", Double(watcher.waiterCount))
            events = try await withStore { store throws(StoreError) in try store.revocations(after: after, limit: limit) }
        }
        return RevocationFeedPage(events: events, next: events.last?.sequence ?? after)
    }

    /// A revocation was just written here: look for it now instead of at the next tick.
    func noteRevocation() {
        Task { try? await self.pollRevocations() }
    }

    func pollRevocations() async throws(OAuthError) {
        let latest = watcher.latestSequence
        let events = try await withStore { store throws(StoreError) in try store.revocations(after: latest, limit: 10_000) }
        if let last = events.last?.sequence {
            watcher.observe(latest: last)
            metrics.set("sessiond_revocation_feed_sequence", Double(last))
        }
    }
}
