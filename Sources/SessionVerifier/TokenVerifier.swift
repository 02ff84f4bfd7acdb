import Foundation
import Logging
import SessionCore
import JOSE

/// Verifies access tokens the way a microservice must: locally, against the auth service's
/// published keys, with revocations from its feed.
///
/// Guarantees:
/// - every token passes the JOSE core's rules plus `typ`, `iss` and `aud` as configured;
/// - keys come only from the JWKS URL, cached for its `max-age`; an unknown `kid` refetches
///   at most once per `unknownKidRefetchInterval`, and concurrent requests share one fetch;
/// - a repeated token costs a SHA-256 and a lookup: the cache honours `exp`, and the
///   revocation denylist is consulted on every hit as on every miss;
/// - when the feed has been unreachable longer than `stalenessLimit`, tokens are refused
///   (`failClosed`) or accepted with a logged warning (`warn`).
public final class TokenVerifier: @unchecked Sendable {
    public let configuration: VerifierConfiguration
    private let fetcher: any HTTPFetching
    private let clock: @Sendable () -> Double
    private let logger: Logger
    private let options: VerificationOptions

    // Everything below is guarded by `lock`.
    private let lock = NSLock()
    private var keys = JWKSet(keys: [])
    private var keysFetchedAt: Double?
    private var keysMaxAge: Double = 300
    private var lastUnknownKidFetch = -Double.infinity
    private var keyFetch: Task<Void, Never>?
    private var denylist = RevocationDenylist()
    private var feedSyncedAt: Double?
    /// The feed's `next` from the last answer: where the following request continues.
    private var feedCursor: Int64 = 0
    private let startedAt: Double
    private var lastStaleWarning = -Double.infinity
    private var cache: VerifiedTokenCache
    private var follower: Task<Void, Never>?

    public init(configuration: VerifierConfiguration, fetcher: any HTTPFetching = URLSessionFetcher(),
                logger: Logger = Logger(label: "session-verifier"),
                clock: @escaping @Sendable () -> Double = { SystemClock.now() }) {
        self.configuration = configuration
        self.fetcher = fetcher
        self.clock = clock
        self.logger = logger
        options = configuration.verificationOptions
        cache = VerifiedTokenCache(capacity: configuration.cacheCapacity)
        startedAt = clock()
    }

    deinit { follower?.cancel() }

    /// Fetches the keys and the feed once, then follows the feed in the background until
    /// `stop()`. Failures are logged, not thrown: verification reports them per token.
    /// Calling it again while following does nothing.
    public func start() async {
        guard lock.withLock({ follower == nil }) else { return }
        await synchronize()
        guard configuration.revocationFeedURL != nil else { return }
        let task = Task { [weak self] in
            var failures = 0
            while !Task.isCancelled, let self {
                if await self.pollFeed(wait: self.configuration.feedWait) {
                    failures = 0
                } else {
                    failures += 1
                    try? await Task.sleep(for: .milliseconds(min(250 * (1 << min(failures, 4)), 4_000)))
                }
            }
        }
        let duplicate: Bool = lock.withLock {
            if follower != nil { return true }
            follower = task
            return false
        }
        if duplicate { task.cancel() }
    }

    /// Fetches the keys and, when configured, the whole feed once, without following it:
    /// for one-shot checks such as `sessionctl token verify --jwks URL`.
    public func synchronize() async {
        await refreshKeys()
        if configuration.revocationFeedURL != nil { _ = await pollFeed(wait: 0) }
    }

    /// Stops following the feed.
    public func stop() {
        lock.withLock { follower?.cancel(); follower = nil }
    }

    /// Verifies `token` now; see the type's guarantees.
    public func verify(_ token: String) async throws(VerifierError) -> AccessToken {
        guard token.utf8.count <= options.maxTokenBytes else {
            throw .rejected(TokenRejection(.tokenTooLarge, "token is over \(options.maxTokenBytes) bytes"))
        }
        let digest = TokenDigest.of(token)
        let now = clock()
        if let hit = try cached(digest, now: now) { return hit }
        var outcome = verifySignedToken(token, now: now)
        if case .failure(let rejection) = outcome, rejection.reason == .unknownKid || (rejection.reason == .algNotAllowed && keysAreEmpty) {
            if await refetchForUnknownKid(now: now) { outcome = verifySignedToken(token, now: now) }
            // With no keys at all the token may be fine: the auth service is unreachable.
            if keysAreEmpty { throw .unavailable("no signing keys from \(configuration.jwksURL)") }
        }
        let accessToken: AccessToken
        switch outcome {
        case .success(let token): accessToken = token
        case .failure(let rejection): throw .rejected(rejection)
        }
        return try locked { () throws(VerifierError) -> AccessToken in
            try checkFeedFreshness(now: now)
            if let verdict = accessToken.verdict(denylist) { throw .rejected(TokenRejection(.revoked, verdict.description)) }
            cache.insert(accessToken, for: digest, generation: denylist.generation)
            return accessToken
        }
    }

    /// The JOSE core's verdict with the current keys, and the access-token claims.
    private func verifySignedToken(_ token: String, now: Double) -> Result<AccessToken, TokenRejection> {
        Result { () throws(TokenRejection) -> AccessToken in
            try AccessToken(verified: JWSVerifier.verify(token, keys: currentKeys(now: now), options: options, now: now))
        }
    }

    /// The cached token for `digest`, still unexpired and unrevoked; nil on a miss. The
    /// denylist is consulted only when it changed since this token was last checked.
    private func cached(_ digest: TokenDigest, now: Double) throws(VerifierError) -> AccessToken? {
        try locked { () throws(VerifierError) -> AccessToken? in
            guard let hit = cache[digest] else { return nil }
            guard now < hit.token.expiresAt + configuration.leeway else {
                cache.remove(digest)
                throw .rejected(TokenRejection(.expired, "token expired at \(Timestamp.rfc3339(hit.token.expiresAt))"))
            }
            try checkFeedFreshness(now: now)
            if hit.checkedGeneration != denylist.generation {
                if let verdict = hit.token.verdict(denylist) { throw .rejected(TokenRejection(.revoked, verdict.description)) }
                cache.markChecked(digest, generation: denylist.generation)
            }
            return hit.token
        }
    }

    /// Runs `body` holding `lock`, keeping its typed error.
    private func locked<T>(_ body: () throws(VerifierError) -> T) throws(VerifierError) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Applies the stale-feed policy; call with `lock` held.
    private func checkFeedFreshness(now: Double) throws(VerifierError) {
        guard configuration.revocationFeedURL != nil else { return }
        let age = now - (feedSyncedAt ?? startedAt)
        guard age > configuration.stalenessLimit else { return }
        switch configuration.staleFeedPolicy {
        case .failClosed:
            throw .unavailable("revocation feed unreachable for \(Int(age)) s (limit \(Int(configuration.stalenessLimit)) s)")
        case .warn:
            if now - lastStaleWarning >= 30 {
                lastStaleWarning = now
                logger.warning("revocation feed unreachable; verifying with the last known denylist",
                               metadata: ["seconds": "\(Int(age))"])
            }
        }
    }

    // MARK: Keys

    private var keysAreEmpty: Bool { lock.withLock { keys.keys.isEmpty } }

    /// The cached key set; starts a background refresh once `max-age` has passed.
    private func currentKeys(now: Double) -> JWKSet {
        let (set, expired) = lock.withLock { (keys, keysFetchedAt.map { now - $0 >= keysMaxAge } ?? true) }
        if expired { startKeyFetch() }
        return set
    }

    /// Refetches for an unknown kid when the interval allows (or joins a fetch already
    /// running); true when a fetch completed, so the caller retries once.
    private func refetchForUnknownKid(now: Double) async -> Bool {
        enum Plan { case join(Task<Void, Never>), fetch, denied }
        let plan: Plan = lock.withLock {
            if let running = keyFetch { return .join(running) }
            guard now - lastUnknownKidFetch >= configuration.unknownKidRefetchInterval else { return .denied }
            lastUnknownKidFetch = now
            return .fetch
        }
        switch plan {
        case .join(let task): await task.value
        case .fetch: await startKeyFetch().value
        case .denied: return false
        }
        return true
    }

    /// One key fetch at a time: returns the running fetch or starts one.
    @discardableResult
    private func startKeyFetch() -> Task<Void, Never> {
        lock.withLock {
            if let running = keyFetch { return running }
            let task = Task { [weak self] in
                await self?.refreshKeys()
                self?.lock.withLock { self?.keyFetch = nil }
            }
            keyFetch = task
            return task
        }
    }

    /// Fetches the JWKS now; on failure keeps the keys it has.
    public func refreshKeys() async {
        do {
            let response = try await fetcher.get(configuration.jwksURL, timeout: configuration.requestTimeout, maxBytes: 1 << 20)
            guard response.status == 200 else { throw HTTPFetchError("HTTP \(response.status)") }
            guard let text = String(validating: response.body, as: UTF8.self) else { throw HTTPFetchError("JWKS is not UTF-8") }
            let set = try JWKSet(json: text)
            // A key that cannot be used (malformed, e = 1, off its curve) is skipped and
            // named; the rest of the set still verifies.
            for reason in set.skipped {
                logger.warning("skipped a key of the fetched JWKS", metadata: ["url": "\(configuration.jwksURL)", "reason": "\(reason)"])
            }
            let maxAge = CacheControl.maxAge(response.headers["cache-control"]).map { min(max($0, 5), 86_400) } ?? 300
            let now = clock()
            lock.withLock {
                keys = set
                keysFetchedAt = now
                keysMaxAge = maxAge
            }
            logger.debug("fetched JWKS", metadata: ["keys": "\(set.keys.count)", "max-age": "\(Int(maxAge))"])
        } catch {
            let now = clock()
            // Retry after a short pause rather than on every request.
            lock.withLock { keysFetchedAt = now - keysMaxAge + 5 }
            logger.warning("JWKS fetch failed; keeping the keys already known",
                           metadata: ["url": "\(configuration.jwksURL)", "error": "\(error)"])
        }
    }

    // MARK: Revocation feed

    /// One feed request; true when it succeeded.
    private func pollFeed(wait: Double) async -> Bool {
        guard let base = configuration.revocationFeedURL,
              var components = URLComponents(url: base, resolvingAgainstBaseURL: false) else { return false }
        let after = lock.withLock { feedCursor }
        components.queryItems = [URLQueryItem(name: "after", value: String(after))]
            + (wait > 0 ? [URLQueryItem(name: "wait", value: String(Int(wait)))] : [])
        guard let url = components.url else { return false }
        do {
            let response = try await fetcher.get(url, timeout: configuration.requestTimeout + wait, maxBytes: 16 << 20)
            guard response.status == 200 else { throw HTTPFetchError("HTTP \(response.status)") }
            guard let page = RevocationFeedPage(body: response.body) else { throw HTTPFetchError("malformed feed page") }
            let now = clock()
            lock.withLock {
                for event in page.events { denylist.apply(event) }
                if page.events.isEmpty || now - (feedSyncedAt ?? 0) > 60 { denylist.prune(now: now) }
                feedSyncedAt = now
                feedCursor = max(feedCursor, page.next, denylist.sequence)
            }
            return true
        } catch {
            if !Task.isCancelled {
                logger.warning("revocation feed request failed", metadata: ["url": "\(base)", "error": "\(error)"])
            }
            return false
        }
    }

    /// How many revocation entries are in force, and the last feed sequence applied.
    public var revocationState: (entries: Int, sequence: Int64, syncedAt: Double?) {
        lock.withLock { (denylist.count, feedCursor, feedSyncedAt) }
    }
}
