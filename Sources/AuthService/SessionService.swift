import Foundation
import Logging
import SessionCore
import JOSE

/// The auth service's logic, free of HTTP: logins, refresh rotation, logout, OAuth
/// introspection and revocation, the revocation feed and key upkeep, over any
/// `SessionStore`. Blocking work (SQLite, scrypt) runs on pools, never on event loops.
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
    private let kek: KeyEncryptionKey
    private let clients: ClientAuthenticator
    private let storePool: BlockingPool
    private let passwordPool: BlockingPool
    private let rotations: RefreshBatcher
    private let userStates = UserStateCache()
    private let logger: Logger
    private let clock: @Sendable () -> Double

    public init(store: any SessionStore, kek: KeyEncryptionKey, configuration: ServiceConfiguration,
                logger: Logger = Logger(label: "sessiond"), metrics: ServiceMetrics = ServiceMetrics(),
                clock: @escaping @Sendable () -> Double = { SystemClock.now() }) throws(CryptoError) {
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
        case .success(let value): return value
        case .failure(let error):
            logger.error("store failure", metadata: ["error": "\(error)"])
            throw .store(error)
        }
    }

    // MARK: Logins

    /// Checks the password (constant time, unknown users included) and opens a session.
    public func login(username: String, password: String, clientID: String?, ip: String, userAgent: String) async throws(OAuthError) -> IssuedTokens {
        let client = clientID ?? configuration.defaultClientID
        guard Self.isValidClientID(client) else { throw .invalidRequest("\"client_id\" must be 1-64 letters, digits or . _ : -") }
        var now = clock()
        // The slot is reserved before the password is checked: a burst cannot outrun the limit.
        let attempt = try await reserveAttempt(user: username, address: ip, now: now)
        let user: UserRecord?
        do {
            user = try await withStore { store throws(StoreError) in try store.user(named: username) }
        } catch {
            await settle(attempt, .abandoned)
            throw error
        }
        let hasher = PasswordHasher.standard
        let matches = await passwordPool.run { () -> Bool in
            guard let user else { return hasher.verifyDummy(password) }
            return PasswordHasher.verify(password, against: user.passwordHash)
        }
        guard let user, matches, !user.disabled else {
            await settle(attempt, .failed)
            metrics.increment("sessiond_logins_total", [("result", "failed")])
            logger.info("login failed", metadata: ["ip": "\(ip)"])
            throw .invalidGrant("invalid username or password")
        }
        await settle(attempt, .succeeded)
        now = await waitOutCutoff(of: user, now: clock())
        let policy = configuration.refreshPolicy
        let session = SessionRecord(id: SessionID.generate(), user: user.name, client: client, ip: ip, userAgent: userAgent,
                                    createdAt: now, lastUsedAt: now, expiresAt: now + policy.sessionLifetime,
                                    idleExpiresAt: now + policy.idleTimeout)
        let refreshToken = minter.mint()
        let hash = RefreshTokenMinter.hash(refreshToken)
        try await withStore { store throws(StoreError) in try store.createSession(session, refreshTokenHash: hash) }
        metrics.increment("sessiond_logins_total", [("result", "ok")])
        logger.info("login", metadata: ["user": "\(user.name)", "sid": "\(session.id)", "ip": "\(ip)"])
        return try issue(for: session, refreshToken: refreshToken, now: now)
    }

    /// Reserves a login-attempt slot for `user` from `address`, or throws 429 with
    /// `Retry-After` when the user or the address has used its slots.
    private func reserveAttempt(user: String, address: String, now: Double) async throws(OAuthError) -> Int64 {
        let limits = configuration.loginLimits
        let reservation = try await withStore { store throws(StoreError) in
            try store.reserveLoginAttempt(user: user, address: address, limits: limits, at: now)
        }
        switch reservation {
        case .reserved(let id):
            return id
        case .refused(let wait):
            metrics.increment("sessiond_logins_total", [("result", "throttled")])
            let seconds = String(Int(wait.rounded(.up)))
            throw OAuthError(.tooManyRequests, "too_many_requests", "too many failed attempts; retry in \(seconds) s",
                             headers: [.retryAfter: seconds])
        }
    }

    /// Settles a reservation; a store failure here only leaves the slot taken until it
    /// leaves the window (the safe side), so it is logged, not thrown.
    private func settle(_ attempt: Int64, _ outcome: LoginAttemptOutcome) async {
        do {
            try await withStore { store throws(StoreError) in try store.settleLoginAttempt(id: attempt, outcome: outcome) }
        } catch {
            logger.warning("could not settle a login attempt", metadata: ["outcome": "\(outcome.rawValue)"])
        }
    }

    /// A token issued in the same whole second as the user's cutoff would be refused
    /// (`UserCutoff`): a login made then waits for the next second (at most one), so the
    /// tokens it returns work.
    private func waitOutCutoff(of user: UserRecord, now: Double) async -> Double {
        guard let cutoff = user.notBefore else { return now }
        let clear = UserCutoff.firstUnaffectedTime(after: cutoff)
        guard now < clear, clear - now <= 1 else { return now }
        try? await Task.sleep(nanoseconds: UInt64((clear - now) * 1e9) + 1_000_000)
        return max(clock(), clear)
    }

    static func isValidClientID(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 64 && id.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2E || byte == 0x5F || byte == 0x3A || byte == 0x2D
        }
    }

    // MARK: Refresh

    /// Rotates a refresh token: a new pair; the same successor inside the grace window; reuse
    /// after it revokes the session.
    public func refresh(token: String, ip: String) async throws(OAuthError) -> IssuedTokens {
        guard RefreshTokenMinter.isWellFormed(token) else {
            metrics.increment("sessiond_refreshes_total", [("result", "invalid")])
            throw .invalidGrant("refresh token is not valid")
        }
        let successor = minter.successor(of: token)
        let presentedHash = RefreshTokenMinter.hash(token)
        let successorHash = RefreshTokenMinter.hash(successor)
        let now = clock()
        let policy = configuration.refreshPolicy
        let outcome: RefreshOutcome
        switch await rotations.rotate(RefreshPresentation(presentedHash: presentedHash, successorHash: successorHash, ip: ip, at: now, policy: policy)) {
        case .success(let result): outcome = result
        case .failure(let error):
            logger.error("store failure", metadata: ["error": "\(error)"])
            throw .store(error)
        }
        let session: SessionRecord
        switch outcome {
        case .rotated(let rotated), .replayedWithinGrace(let rotated):
            session = rotated
        case .reuseDetected(let revoked):
            metrics.increment("sessiond_refreshes_total", [("result", "reuse")])
            logger.warning("refresh token reuse: session revoked", metadata: ["sid": "\(revoked.id)", "user": "\(revoked.user)", "ip": "\(ip)"])
            noteRevocation()
            throw .invalidGrant("refresh token was already used; the session is revoked")
        case .sessionEnded(_, let state):
            metrics.increment("sessiond_refreshes_total", [("result", state.rawValue)])
            throw .invalidGrant("the session is \(state.rawValue)")
        case .unknownToken:
            metrics.increment("sessiond_refreshes_total", [("result", "invalid")])
            throw .invalidGrant("refresh token is not valid")
        }
        var usable = userStates.usable(session.user, now: now)
        if usable == nil {
            let name = session.user
            let user = try await withStore { store throws(StoreError) in try store.user(named: name) }
            usable = user.map { !$0.disabled } ?? false
            userStates.remember(session.user, usable: usable ?? false, now: now)
        }
        guard usable == true else {
            metrics.increment("sessiond_refreshes_total", [("result", "disabled")])
            throw .invalidGrant("the user cannot log in")
        }
        metrics.increment("sessiond_refreshes_total", [("result", "ok")])
        return try issue(for: session, refreshToken: successor, now: now)
    }

    /// Signs an access token for `session` with the active key.
    private func issue(for session: SessionRecord, refreshToken: String, now: Double) throws(OAuthError) -> IssuedTokens {
        let snapshot = keys.current
        guard let key = snapshot.active, let algorithm = snapshot.activeAlgorithm else {
            throw .unavailable("no active signing key")
        }
        let issuedAt = now.rounded(.down)
        let lifetime = Int(configuration.accessTokenLifetime)
        var claims = JSONObject()
        claims["iss"] = .string(configuration.issuer)
        claims["sub"] = .string(session.user)
        claims["aud"] = .string(configuration.audience)
        claims["exp"] = .number(JSONNumber(issuedAt + Double(lifetime)))
        claims["iat"] = .number(JSONNumber(issuedAt))
        claims["nbf"] = .number(JSONNumber(issuedAt))
        claims["jti"] = .string(SecureRandom.identifier())
        claims["sid"] = .string(session.id)
        claims["client_id"] = .string(session.client)
        let token: String
        do {
            token = try JWSSigner.sign(claims, key: key, algorithm: algorithm, type: "at+jwt", kid: key.kid)
        } catch {
            logger.error("signing failed", metadata: ["kid": "\(key.kid)", "error": "\(error)"])
            throw .serverError()
        }
        return IssuedTokens(accessToken: token, expiresIn: lifetime, refreshToken: refreshToken, sessionID: session.id,
                            sessionExpiresAt: min(session.expiresAt, session.idleExpiresAt))
    }

    // MARK: Access tokens we issued

    /// Verifies an access token of ours (signature, `typ`, `iss`, `aud`, times) and asks the
    /// store whether it is revoked: its claims, or nil when it is not valid now.
    func verifyOwnAccessToken(_ token: String, now: Double) async throws(OAuthError) -> JSONObject? {
        let options = VerificationOptions(issuer: configuration.issuer, audience: configuration.audience, type: "at+jwt")
        guard let verified = try? JWSVerifier.verify(token, keys: keys.current.verification, options: options, now: now) else { return nil }
        let claims = verified.claims
        let kid = verified.key.kid
        let verdict = try await withStore { store throws(StoreError) in
            try store.revocationVerdict(sessionID: claims["sid"]?.stringValue, tokenID: claims["jti"]?.stringValue,
                                        user: claims["sub"]?.stringValue, issuedAt: claims["iat"]?.doubleValue, kid: kid)
        }
        return verdict == nil ? claims : nil
    }

    /// The live (unspent, session active) refresh token's session, or nil.
    func liveRefreshSession(_ token: String, now: Double) async throws(OAuthError) -> RefreshTokenOwner? {
        guard RefreshTokenMinter.isWellFormed(token) else { return nil }
        let hash = RefreshTokenMinter.hash(token)
        let owner = try await withStore { store throws(StoreError) in try store.refreshTokenOwner(hash: hash) }
        guard let owner, owner.token.spentAt == nil, owner.session.state(at: now) == .active else { return nil }
        return owner
    }

    // MARK: Logout

    /// Revokes the session of a Bearer access token or of a live refresh token.
    public func logout(accessToken: String?, refreshToken: String?) async throws(OAuthError) {
        let now = clock()
        var sessionID: String?
        var user = ""
        if let accessToken, let claims = try await verifyOwnAccessToken(accessToken, now: now),
           let sid = claims["sid"]?.stringValue {
            sessionID = sid
            user = claims["sub"]?.stringValue ?? ""
        } else if let refreshToken, let owner = try await liveRefreshSession(refreshToken, now: now) {
            sessionID = owner.session.id
            user = owner.session.user
        }
        guard let sessionID else { throw .invalidToken("no valid access or refresh token") }
        let audit = AuditContext(actor: "user:\(user)", reason: "logout", at: now)
        try await withStore { store throws(StoreError) in _ = try store.revokeSessions(ids: [sessionID], audit: audit) }
        metrics.increment("sessiond_logouts_total")
        logger.info("logout", metadata: ["sid": "\(sessionID)"])
        noteRevocation()
    }

    // MARK: OAuth (RFC 7009, RFC 7662)

    /// The client id when `id` and `secret` are a client's credentials; `invalid_client` otherwise.
    func authenticateClient(id: String, secret: String, ip: String) async throws(OAuthError) -> String {
        let now = clock()
        let attempt = try await reserveAttempt(user: "client:" + id, address: ip, now: now)
        let store = self.store
        let clients = self.clients
        let result: Result<Bool, StoreError> = await passwordPool.run {
            Result { () throws(StoreError) -> Bool in
                try clients.verify(id: id, secret: secret, now: now) { () throws(StoreError) in try store.client(id: id) }
            }
        }
        guard case .success(let ok) = result else {
            await settle(attempt, .abandoned)
            throw .serverError()
        }
        await settle(attempt, ok ? .succeeded : .failed)
        guard ok else {
            metrics.increment("sessiond_oauth_requests_total", [("endpoint", "auth"), ("result", "invalid_client")])
            throw .invalidClient("client authentication failed")
        }
        return id
    }

    /// RFC 7662: the token's state for an authenticated client. The token's shape tells a
    /// refresh token (43 base64url characters) from a JWT, so `token_type_hint` is not needed
    /// and a wrong hint cannot hide a live token.
    public func introspect(token: String) async throws(OAuthError) -> JSONObject {
        let now = clock()
        var response = JSONObject(["active": .bool(true)])
        if let owner = try await liveRefreshSession(token, now: now) {
            response["token_type"] = .string("refresh_token")
            response["client_id"] = .string(owner.session.client)
            response["username"] = .string(owner.session.user)
            response["sub"] = .string(owner.session.user)
            response["sid"] = .string(owner.session.id)
            response["iat"] = .number(JSONNumber(owner.token.issuedAt.rounded(.down)))
            response["exp"] = .number(JSONNumber(min(owner.session.expiresAt, owner.session.idleExpiresAt).rounded(.down)))
        } else if let claims = try await verifyOwnAccessToken(token, now: now) {
            for name in ["scope", "client_id", "sub", "aud", "iss", "exp", "iat", "nbf", "jti", "sid"] {
                if let value = claims[name] { response[name] = value }
            }
            response["username"] = claims["sub"]
            response["token_type"] = .string("Bearer")
        } else {
            response = JSONObject(["active": .bool(false)])
        }
        let active = response["active"] == .bool(true)
        metrics.increment("sessiond_oauth_requests_total", [("endpoint", "introspect"), ("result", active ? "active" : "inactive")])
        return response
    }

    /// RFC 7009: revokes a refresh token's session or an access token's `jti`, whatever the
    /// hint said (§2.1: the search extends to every token type). Unknown or invalid tokens
    /// are not an error (the answer is 200 either way).
    public func revoke(token: String, client: String) async throws(OAuthError) {
        let now = clock()
        let audit = AuditContext(actor: "client:\(client)", reason: "oauth revocation (RFC 7009)", at: now)
        if let owner = try await liveRefreshSession(token, now: now) {
            let sid = owner.session.id
            try await withStore { store throws(StoreError) in _ = try store.revokeSessions(ids: [sid], audit: audit) }
            metrics.increment("sessiond_oauth_requests_total", [("endpoint", "revoke"), ("result", "refresh_token")])
            noteRevocation()
            return
        }
        if let claims = try await verifyOwnAccessToken(token, now: now), let jti = claims["jti"]?.stringValue,
           let exp = claims["exp"]?.doubleValue {
            try await withStore { store throws(StoreError) in try store.revokeTokenID(jti, expiresAt: exp, audit: audit) }
            metrics.increment("sessiond_oauth_requests_total", [("endpoint", "revoke"), ("result", "access_token")])
            noteRevocation()
            return
        }
        metrics.increment("sessiond_oauth_requests_total", [("endpoint", "revoke"), ("result", "unknown")])
    }

    // MARK: Revocation feed

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

    private func pollRevocations() async throws(OAuthError) {
        let latest = watcher.latestSequence
        let events = try await withStore { store throws(StoreError) in try store.revocations(after: latest, limit: 10_000) }
        if let last = events.last?.sequence {
            watcher.observe(latest: last)
            metrics.set("sessiond_revocation_feed_sequence", Double(last))
        }
    }

    // MARK: Upkeep

    /// Makes sure there is an active key and a published `next` key (so verifiers hold it
    /// before a rotation activates it), then loads them. A new key has `algorithm`, else
    /// the active key's (`Administration.freshKeyAlgorithm`).
    public func prepareKeys(algorithm: JWSAlgorithm? = nil) async throws(OAuthError) {
        let administration = Administration(store: store, kek: kek)
        let audit = AuditContext(actor: "sessiond", reason: "service start: signing keys needed", at: clock())
        try await withStore { _ throws(StoreError) in try administration.ensureSigningKeys(algorithm: algorithm, audit: audit) }
        try await reloadKeys()
    }

    /// Re-reads the signing keys when their kids or states changed (a cheap query each tick,
    /// whole records only on a change); a change is logged and counted.
    public func reloadKeys() async throws(OAuthError) {
        let states = try await withStore { store throws(StoreError) in try store.signingKeyStates() }
        if keys.isCurrent(states) { return }
        let records = try await withStore { store throws(StoreError) in try store.signingKeys() }
        do {
            if try keys.reload(records) {
                let snapshot = keys.current
                metrics.increment("sessiond_signing_key_reloads_total")
                metrics.set("sessiond_published_keys", Double(snapshot.publishedCount))
                logger.info("signing keys loaded", metadata: ["active": "\(snapshot.active?.kid ?? "none")"])
            }
        } catch {
            logger.error("cannot load the active signing key", metadata: ["error": "\(error)"])
            throw .store(error)
        }
    }

    /// One tick: keys and the feed's latest sequence.
    public func tick() async {
        try? await reloadKeys()
        try? await pollRevocations()
    }

    /// Periodic housekeeping: retire keys past their horizon, drop dead feed events, keep a
    /// `next` key published, forget old login failures.
    public func housekeeping() async {
        let now = clock()
        do {
            let retired = try await withStore { store throws(StoreError) in try store.retireExpiredKeys(at: now) }
            if !retired.isEmpty { logger.info("retired signing keys", metadata: ["kids": "\(retired.joined(separator: ","))"]) }
            try await prepareKeys()
        } catch {
            logger.warning("housekeeping failed", metadata: ["error": "\(error.detail)"])
        }
        let before = configuration.loginLimits.windowStart(now: now)
        _ = try? await withStore { store throws(StoreError) in try store.pruneLoginAttempts(before: before) }
    }

    /// The published JWKS bytes.
    var publishedJWKS: [UInt8] { keys.current.published }
}
