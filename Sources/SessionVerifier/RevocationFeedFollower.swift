import Foundation
import JOSE
import Logging
import SessionCore

/// The revocation feed, follower side: long-polls `GET /revocations?after=N&wait=S` and
/// applies every event to a denylist, in sequence order.
///
/// Guarantees: the cursor only moves forward, past events that were applied (a malformed
/// page applies nothing); failures back off from 0.5 s to 4 s and are logged; entries are
/// pruned once no token they affect can be alive; when the feed has been unreachable longer
/// than `stalenessLimit`, `admit` refuses (`failClosed`) or warns at most every 30 s
/// (`warn`). Thread-safe.
final class RevocationFeedFollower: @unchecked Sendable {
    private let configuration: VerifierConfiguration
    private let fetcher: any HTTPFetching
    private let clock: @Sendable () -> Double
    private let logger: Logger
    private let identity: VerifierIdentity
    private let startedAt: Double
    /// Called after a page with a key revocation was applied (the verifier refetches its keys).
    private let onKeyRevoked: @Sendable () async -> Void

    // Guarded by `lock`.
    private let lock = NSLock()
    private var denylist = RevocationDenylist()
    private var syncedAt: Double?
    /// The feed's `next` from the last answer: where the following request continues.
    private var cursor: Int64 = 0
    private var lastStaleWarning = -Double.infinity
    private var task: Task<Void, Never>?

    init(
        configuration: VerifierConfiguration, fetcher: any HTTPFetching, identity: VerifierIdentity, clock: @escaping @Sendable () -> Double,
        logger: Logger, onKeyRevoked: @escaping @Sendable () async -> Void = {}
    ) {
        self.configuration = configuration
        self.identity = identity
        self.onKeyRevoked = onKeyRevoked
        self.fetcher = fetcher
        self.clock = clock
        self.logger = logger
        startedAt = clock()
    }

    deinit { task?.cancel() }

    /// True when a feed URL is configured.
    var isConfigured: Bool { configuration.revocationFeedURL != nil }

    /// Follows the feed in the background until `stop()`; a second call does nothing.
    func follow() {
        guard isConfigured else { return }
        let follower = Task { [weak self] in
            var failures = 0
            while !Task.isCancelled, let self {
                if await self.poll(wait: self.configuration.feedWait) {
                    failures = 0
                } else {
                    failures += 1
                    try? await Task.sleep(for: .milliseconds(min(250 * (1 << min(failures, 4)), 4_000)))
                }
            }
        }
        let duplicate: Bool = lock.withLock {
            if task != nil { return true }
            task = follower
            return false
        }
        if duplicate { follower.cancel() }
    }

    /// True while following.
    var isFollowing: Bool { lock.withLock { task != nil } }

    /// Stops following.
    func stop() {
        lock.withLock {
            task?.cancel(); task = nil
        }
    }

    /// One feed request, waiting up to `wait` seconds for events; true when it succeeded.
    @discardableResult
    func poll(wait: Double) async -> Bool {
        guard let base = configuration.revocationFeedURL,
            var components = URLComponents(url: base, resolvingAgainstBaseURL: false)
        else { return false }
        let after = lock.withLock { cursor }
        components.queryItems =
            [URLQueryItem(name: "after", value: String(after))]
            + (wait > 0 ? [URLQueryItem(name: "wait", value: String(Int(wait)))] : [])
        guard let url = components.url else { return false }
        do {
            let response = try await fetcher.get(url, headers: identity.headers, timeout: configuration.requestTimeout + wait, maxBytes: 16 << 20)
            guard response.status == 200 else { throw HTTPFetchError("HTTP \(response.status)") }
            guard let page = RevocationFeedPage(body: response.body) else { throw HTTPFetchError("malformed feed page") }
            let now = clock()
            let position = lock.withLock {
                for event in page.events { denylist.apply(event) }
                if page.events.isEmpty || now - (syncedAt ?? 0) > 60 { denylist.prune(now: now) }
                syncedAt = now
                cursor = max(cursor, page.next, denylist.sequence)
                return cursor
            }
            // A revoked key leaves the published set: refetch so it is no longer held (and
            // reported as held) before the next poll says the event was applied.
            if page.events.contains(where: { $0.kind == .key }) { await onKeyRevoked() }
            identity.applied(feedSequence: position)
            return true
        } catch {
            if !Task.isCancelled {
                logger.warning("revocation feed request failed", metadata: ["url": "\(base)", "error": "\(error)"])
            }
            return false
        }
    }

    /// Checks `token` against the feed at `now`: the stale-feed policy, then, unless it was
    /// already found unrevoked in the current denylist generation (`checked`), the denylist.
    /// Returns the generation the token is now known unrevoked in.
    func admit(_ token: AccessToken, checked: UInt64?, now: Double) throws(VerifierError) -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        try checkFreshness(now: now)
        let generation = denylist.generation
        if checked != generation, let verdict = token.verdict(denylist) {
            throw .rejected(TokenRejection(.revoked, verdict.description))
        }
        return generation
    }

    /// Applies the stale-feed policy; call with `lock` held.
    private func checkFreshness(now: Double) throws(VerifierError) {
        guard isConfigured else { return }
        let age = now - (syncedAt ?? startedAt)
        guard age > configuration.stalenessLimit else { return }
        switch configuration.staleFeedPolicy {
        case .failClosed:
            throw .unavailable("revocation feed unreachable for \(Int(age)) s (limit \(Int(configuration.stalenessLimit)) s)")
        case .warn:
            if now - lastStaleWarning >= 30 {
                lastStaleWarning = now
                logger.warning(
                    "revocation feed unreachable; verifying with the last known denylist",
                    metadata: ["seconds": "\(Int(age))"])
            }
        }
    }

    /// How many revocation entries are in force, the last sequence applied, and when the
    /// feed last answered.
    var state: (entries: Int, sequence: Int64, syncedAt: Double?) {
        lock.withLock { (denylist.count, cursor, syncedAt) }
    }
}
