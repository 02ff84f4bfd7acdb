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
    private let clock: @Sendable () -> Double
    private let options: VerificationOptions
    private let keys: JWKSCache
    private let feed: RevocationFeedFollower
    /// Verified tokens by digest, guarded by `cacheLock`.
    private let cacheLock = NSLock()
    private var cache: VerifiedTokenCache

    public init(
        configuration: VerifierConfiguration, fetcher: any HTTPFetching = URLSessionFetcher(),
        logger: Logger = Logger(label: "session-verifier"),
        clock: @escaping @Sendable () -> Double = { SystemClock.now() }
    ) {
        self.configuration = configuration
        self.clock = clock
        options = configuration.verificationOptions
        let identity = VerifierIdentity(configuration: configuration)
        let keys = JWKSCache(configuration: configuration, fetcher: fetcher, identity: identity, clock: clock, logger: logger)
        self.keys = keys
        feed = RevocationFeedFollower(
            configuration: configuration, fetcher: fetcher, identity: identity, clock: clock, logger: logger,
            onKeyRevoked: { [weak keys] in await keys?.refresh() })
        cache = VerifiedTokenCache(capacity: configuration.cacheCapacity)
    }

    /// Fetches the keys and the feed once, then follows the feed in the background until
    /// `stop()`. Failures are logged, not thrown: verification reports them per token.
    /// Calling it again while following does nothing.
    public func start() async {
        guard !feed.isFollowing else { return }
        await synchronize()
        feed.follow()
    }

    /// Fetches the keys and, when configured, the whole feed once, without following it:
    /// for one-shot checks such as `sessionctl token verify --jwks URL`.
    public func synchronize() async {
        await keys.refresh()
        if feed.isConfigured { await feed.poll(wait: 0) }
    }

    /// Stops following the feed.
    public func stop() { feed.stop() }

    /// Fetches the JWKS now; on failure keeps the keys it has.
    public func refreshKeys() async { await keys.refresh() }

    /// Verifies `token` now; see the type's guarantees.
    public func verify(_ token: String) async throws(VerifierError) -> AccessToken {
        guard token.utf8.count <= options.maxTokenBytes else {
            throw .rejected(TokenRejection(.tokenTooLarge, "token is over \(options.maxTokenBytes) bytes"))
        }
        let digest = TokenDigest.of(token)
        let now = clock()
        if let hit = try cached(digest, now: now) { return hit }
        var outcome = verifySignedToken(token, now: now)
        if case .failure(let rejection) = outcome, rejection.reason == .unknownKid || (rejection.reason == .algNotAllowed && keys.isEmpty) {
            if await keys.refetchForUnknownKid(now: now) { outcome = verifySignedToken(token, now: now) }
            // With no keys at all the token may be fine: the auth service is unreachable.
            if keys.isEmpty { throw .unavailable("no signing keys from \(configuration.jwksURL)") }
        }
        let accessToken: AccessToken
        switch outcome {
        case .success(let token): accessToken = token
        case .failure(let rejection): throw .rejected(rejection)
        }
        let generation = try feed.admit(accessToken, checked: nil, now: now)
        cacheLock.withLock { cache.insert(accessToken, for: digest, generation: generation) }
        return accessToken
    }

    /// The JOSE core's verdict with the current keys, and the access-token claims.
    private func verifySignedToken(_ token: String, now: Double) -> Result<AccessToken, TokenRejection> {
        Result { () throws(TokenRejection) -> AccessToken in
            try AccessToken(verified: JWSVerifier.verify(token, keys: keys.current(now: now), options: options, now: now))
        }
    }

    /// The cached token for `digest`, still unexpired and unrevoked; nil on a miss. The
    /// denylist is consulted only when it changed since this token was last checked.
    private func cached(_ digest: TokenDigest, now: Double) throws(VerifierError) -> AccessToken? {
        let entry: VerifiedTokenCache.Entry? = cacheLock.withLock {
            guard let hit = cache[digest] else { return nil }
            if now >= hit.token.expiresAt + configuration.leeway { cache.remove(digest) }
            return hit
        }
        guard let hit = entry else { return nil }
        guard now < hit.token.expiresAt + configuration.leeway else {
            throw .rejected(TokenRejection(.expired, "token expired at \(Timestamp.rfc3339(hit.token.expiresAt))"))
        }
        let generation = try feed.admit(hit.token, checked: hit.checkedGeneration, now: now)
        if generation != hit.checkedGeneration { cacheLock.withLock { cache.markChecked(digest, generation: generation) } }
        return hit.token
    }

    /// How many revocation entries are in force, and the last feed sequence applied.
    public var revocationState: (entries: Int, sequence: Int64, syncedAt: Double?) { feed.state }
}
