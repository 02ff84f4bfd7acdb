import Foundation
import Logging
import SessionCore
import JOSE

/// The auth service's logic, free of HTTP: logins, refresh rotation, logout, OAuth
/// introspection and revocation, the revocation feed and key upkeep, over any
/// `SessionStore`. Blocking work (the store, scrypt) runs on pools, never on event loops.
///
/// Guarantees: failures are `OAuthError`s whose text never holds a token, password or
/// key; every store write is the store's transaction; a spent refresh token presented
/// after the grace window revokes its session; the signing key follows the store's
/// active key within `refreshInterval`.
public final class SessionService: Sendable {
    public let configuration: ServiceConfiguration
    public let store: any SessionStore
    public let metrics: ServiceMetrics
    let minter: RefreshTokenMinter
    let keys: SigningKeyCache
    let watcher = RevocationFeedWatcher()
    let kek: KeyEncryptionKey
    let clients: ClientAuthenticator
    let storePool: BlockingPool
    let passwordPool: BlockingPool
    let rotations: RefreshBatcher
    let userStates = UserStateCache()
    let storeHealth = StoreHealth()
    let unsettled = UnsettledAttempts()
    let verifierReports = VerifierReports()
    let logger: Logger
    let clock: @Sendable () -> Double

    public init(
        store: any SessionStore, kek: KeyEncryptionKey, configuration: ServiceConfiguration,
        logger: Logger = Logger(label: "sessiond"), metrics: ServiceMetrics = ServiceMetrics(),
        clock: @escaping @Sendable () -> Double = { SystemClock.now() }
    ) throws(CryptoError) {
        self.store = store
        self.kek = kek
        self.configuration = configuration
        self.logger = logger
        self.metrics = metrics
        self.clock = clock
        minter = try RefreshTokenMinter(kek: kek)
        keys = SigningKeyCache(kek: kek)
        clients = try ClientAuthenticator()
        storePool = BlockingPool(label: "sessiond.store", width: 8)
        passwordPool = BlockingPool(label: "sessiond.password", width: configuration.passwordCheckConcurrency)
        rotations = RefreshBatcher(store: store)
    }

    /// Runs `body` against the store on the store pool, mapping store failures.
    func withStore<T: Sendable>(_ body: @escaping @Sendable (any SessionStore) throws(StoreError) -> T) async throws(OAuthError) -> T {
        let store = self.store
        let result: Result<T, StoreError> = await storePool.run { Result { () throws(StoreError) -> T in try body(store) } }
        switch result {
        case .success(let value):
            if storeHealth.note(healthy: true, at: clock()) { logger.notice("store available again") }
            return value
        case .failure(let error):
            if case .busy = error {
                // Said once when it starts, not on every request while the database is away.
                if storeHealth.note(healthy: false, at: clock()) { logger.error("store unavailable", metadata: ["error": "\(error)"]) }
            } else {
                logger.error("store failure", metadata: ["error": "\(error)"])
            }
            throw .store(error)
        }
    }
}
