import Foundation
import JOSE
import Logging

/// The auth service's published keys, as a verifier holds them.
///
/// Guarantees: keys come only from the JWKS URL and are kept for its `max-age` (5 s to a
/// day; 300 s without one); a failed fetch keeps the keys already known and is retried
/// after 5 s rather than on every request; an unknown `kid` refetches at most once per
/// `unknownKidRefetchInterval`, and concurrent callers share one fetch; a key the set
/// cannot use is skipped and logged while the others keep working. Thread-safe.
final class JWKSCache: @unchecked Sendable {
    private let configuration: VerifierConfiguration
    private let fetcher: any HTTPFetching
    private let clock: @Sendable () -> Double
    private let logger: Logger
    private let identity: VerifierIdentity

    // Guarded by `lock`.
    private let lock = NSLock()
    private var keys = JWKSet(keys: [])
    private var fetchedAt: Double?
    private var maxAge: Double = 300
    private var lastUnknownKidFetch = -Double.infinity
    private var running: Task<Void, Never>?

    init(
        configuration: VerifierConfiguration, fetcher: any HTTPFetching, identity: VerifierIdentity, clock: @escaping @Sendable () -> Double,
        logger: Logger
    ) {
        self.configuration = configuration
        self.identity = identity
        self.fetcher = fetcher
        self.clock = clock
        self.logger = logger
    }

    /// True when no key is known (the auth service has not been reached yet).
    var isEmpty: Bool { lock.withLock { keys.keys.isEmpty } }

    /// The kids held now.
    var kids: [String] { lock.withLock { keys.keys.map(\.kid) } }

    /// The cached key set; starts a background refresh once `max-age` has passed.
    func current(now: Double) -> JWKSet {
        let (set, expired) = lock.withLock { (keys, fetchedAt.map { now - $0 >= maxAge } ?? true) }
        if expired { startFetch() }
        return set
    }

    /// Refetches for an unknown kid when the interval allows (or joins a fetch already
    /// running); true when a fetch completed, so the caller retries once.
    func refetchForUnknownKid(now: Double) async -> Bool {
        enum Plan { case join(Task<Void, Never>), fetch, denied }
        let plan: Plan = lock.withLock {
            if let running { return .join(running) }
            guard now - lastUnknownKidFetch >= configuration.unknownKidRefetchInterval else { return .denied }
            lastUnknownKidFetch = now
            return .fetch
        }
        switch plan {
        case .join(let task): await task.value
        case .fetch: await startFetch().value
        case .denied: return false
        }
        return true
    }

    /// One fetch at a time: returns the running fetch or starts one.
    @discardableResult
    private func startFetch() -> Task<Void, Never> {
        lock.withLock {
            if let running { return running }
            let task = Task { [weak self] in
                await self?.refresh()
                self?.lock.withLock { self?.running = nil }
            }
            running = task
            return task
        }
    }

    /// Fetches the JWKS now; on failure keeps the keys it has.
    func refresh() async {
        do {
            let response = try await fetcher.get(
                configuration.jwksURL, headers: identity.headers, timeout: configuration.requestTimeout, maxBytes: 1 << 20)
            guard response.status == 200 else { throw HTTPFetchError("HTTP \(response.status)") }
            guard let text = String(validating: response.body, as: UTF8.self) else { throw HTTPFetchError("JWKS is not UTF-8") }
            let set = try JWKSet(json: text)
            // A key that cannot be used (malformed, e = 1, off its curve) is skipped and
            // named; the rest of the set still verifies.
            for reason in set.skipped {
                logger.warning("skipped a key of the fetched JWKS", metadata: ["url": "\(configuration.jwksURL)", "reason": "\(reason)"])
            }
            let age = CacheControl.maxAge(response.headers["cache-control"]).map { min(max($0, 5), 86_400) } ?? 300
            let now = clock()
            lock.withLock {
                keys = set
                fetchedAt = now
                maxAge = age
            }
            identity.holds(kids: set.keys.map(\.kid))
            logger.debug("fetched JWKS", metadata: ["keys": "\(set.keys.count)", "max-age": "\(Int(age))"])
        } catch {
            let now = clock()
            // Retry after a short pause rather than on every request.
            lock.withLock { fetchedAt = now - maxAge + 5 }
            logger.warning(
                "JWKS fetch failed; keeping the keys already known",
                metadata: ["url": "\(configuration.jwksURL)", "error": "\(error)"])
        }
    }
}
