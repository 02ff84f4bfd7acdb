import JOSE

/// Token lifetimes the store needs to expire revocation events and retire keys.
public struct TokenLifetimes: Sendable, Equatable {
    /// The longest access-token lifetime any issuer uses, in seconds.
    public var maxAccessTokenLifetime: Double
    /// Clock-skew allowance verifiers use, in seconds.
    public var leeway: Double

    public init(maxAccessTokenLifetime: Double = 300, leeway: Double = 60) {
        self.maxAccessTokenLifetime = maxAccessTokenLifetime
        self.leeway = leeway
    }

    /// How long after `at` an access token issued before `at` can still be alive.
    public func horizon(after at: Double) -> Double { at + maxAccessTokenLifetime + leeway }
}

/// A session with its refresh family, for bulk import.
public struct ImportedSession: Sendable {
    public var session: SessionRecord
    public var family: [RefreshTokenRecord]

    public init(session: SessionRecord, family: [RefreshTokenRecord]) {
        self.session = session
        self.family = family
    }
}

/// Who did something and why, for the audit log.
public struct AuditContext: Sendable, Equatable {
    public var actor: String
    public var reason: String
    public var at: Double

    public init(actor: String, reason: String, at: Double) {
        self.actor = actor
        self.reason = reason
        self.at = at
    }
}

/// Why a token is revoked, when it is.
public enum RevocationVerdict: Sendable, Equatable, CustomStringConvertible {
    case session(String)
    case tokenID(String)
    case userCutoff(String, Double)
    case key(String)

    public var description: String {
        switch self {
        case .session(let id): "session \(id) is revoked"
        case .tokenID(let jti): "token \(jti) is revoked"
        case .userCutoff(let user, let at): "tokens issued to \(user) before \(Timestamp.rfc3339(at)) are revoked"
        case .key(let kid): "signing key \(kid) is revoked"
        }
    }
}

/// The persistent state of the product: users, sessions and their refresh families,
/// signing keys, the revocation feed and the audit log.
///
/// Guarantees every implementation keeps: each mutating call is one transaction (all or
/// nothing); administrative acts append their audit entry in the same transaction; the
/// audit log is append-only; revocation sequence numbers strictly increase; concurrent
/// rotations of one refresh token give exactly one `.rotated`. Implementations are safe
/// to call from several threads.
public protocol SessionStore: AnyObject, Sendable {
    /// The lifetimes used to expire revocation events and retire keys.
    var lifetimes: TokenLifetimes { get }
    /// False when this connection cannot write (a read-only database role): tools then open
    /// read-only by themselves.
    var canWrite: Bool { get }

    // MARK: Users
    /// Adds a user; `.refused` when the name is taken.
    func addUser(_ user: UserRecord, audit: AuditContext) throws(StoreError)
    /// The user, or nil.
    func user(named name: String) throws(StoreError) -> UserRecord?
    /// Disables (or re-enables) a user: a disabled user cannot log in. `.notFound` for an
    /// unknown user.
    func setUserDisabled(_ name: String, disabled: Bool, audit: AuditContext) throws(StoreError)
    /// Sets the user cutoff to `audit.at` and revokes every active session of the user;
    /// returns how many sessions it revoked. `.notFound` for an unknown user.
    @discardableResult
    func revokeUser(_ name: String, audit: AuditContext) throws(StoreError) -> Int

    // MARK: Login attempts
    /// Reserves a slot for one login attempt by `user` (case-insensitive; `client:ID` for a
    /// client) from `address`: checks `limits` and records the attempt in one transaction,
    /// so of any number of concurrent reservations at most the limits' worth succeed, across
    /// every process on the store. `.refused` records nothing.
    func reserveLoginAttempt(user: String, address: String, limits: LoginLimits, at: Double) throws(StoreError) -> LoginReservation
    /// Settles a reservation once the password is checked (`LoginAttemptOutcome` says what
    /// each outcome does to the slots). An unknown id is ignored.
    func settleLoginAttempt(id: Int64, outcome: LoginAttemptOutcome) throws(StoreError)
    /// The user's recorded attempts made after `since`, newest first, at most `limit` (the
    /// name matched as reservations record it: case ignored).
    func loginAttempts(user: String, since: Double, limit: Int) throws(StoreError) -> [LoginAttemptRecord]
    /// Forgets attempts made before `before`; returns how many.
    @discardableResult
    func pruneLoginAttempts(before: Double) throws(StoreError) -> Int

    // MARK: Sessions
    /// Stores built sessions with their refresh families in one transaction (imports and
    /// demo data). `.refused` when an id exists already.
    func importSessions(_ batch: [ImportedSession]) throws(StoreError)
    /// Before a large import: a store may defer index upkeep (only when it is empty).
    func prepareBulkImport() throws(StoreError)
    /// After a large import: indexes are complete again.
    func finishBulkImport() throws(StoreError)
    /// The session, or nil.
    func session(id: String) throws(StoreError) -> SessionRecord?
    /// Sessions matching `query`, newest first.
    func sessions(_ query: SessionQuery, now: Double) throws(StoreError) -> [SessionRecord]
    /// Logins (sessions created), refreshes (rotations) and session revocations per `bucket` seconds over the
    /// `buckets` buckets ending at `now`, oldest first.
    func activity(now: Double, bucket: Double, buckets: Int) throws(StoreError) -> ActivityHistogram
    /// Active sessions last used at or after `since`: their access tokens may still be alive.
    func countActiveSessions(usedSince since: Double, now: Double) throws(StoreError) -> Int
    /// How many sessions of `user` (case ignored, as `revokeUser` matches) are in each state at `now`.
    func sessionStates(user: String, now: Double) throws(StoreError) -> SessionStateCounts
    /// Headline counts at `now`.
    func sessionCounts(now: Double) throws(StoreError) -> SessionCounts
    /// Revokes the given active sessions in one transaction; returns how many it revoked.
    /// `.notFound` (writing nothing) when an id does not exist; sessions already revoked or
    /// expired are skipped. `auditEach` writes one `session.revoke` entry per session; a bulk
    /// revocation passes false and writes its own single entry.
    @discardableResult
    func revokeSessions(ids: [String], audit: AuditContext, auditEach: Bool) throws(StoreError) -> Int
    /// The refresh family of a session, oldest first.
    func refreshHistory(sessionID: String) throws(StoreError) -> [RefreshTokenRecord]
    /// The refresh token with this hash and its session, or nil; changes nothing (for
    /// introspection, revocation and logout, which must not rotate).
    func refreshTokenOwner(hash: [UInt8]) throws(StoreError) -> RefreshTokenOwner?
    /// Presents a refresh token (by hash): rotates it into `successorHash`, replays within
    /// grace, or detects reuse and revokes the family. One transaction.
    func rotateRefreshToken(
        presentedHash: [UInt8], successorHash: [UInt8], ip: String, at: Double,
        policy: RefreshPolicy
    ) throws(StoreError) -> RefreshOutcome
    /// Several presentations, in order, with the same outcome each would have alone; a store
    /// may commit them together (group commit). Each result stands for its own request.
    func rotateRefreshTokens(_ requests: [RefreshPresentation]) throws(StoreError) -> [Result<RefreshOutcome, StoreError>]

    // MARK: Clients
    /// Adds a client; `.refused` when the id is taken.
    func addClient(_ client: ClientRecord, audit: AuditContext) throws(StoreError)
    /// The client, or nil.
    func client(id: String) throws(StoreError) -> ClientRecord?
    /// Every client, by id.
    func clients() throws(StoreError) -> [ClientRecord]

    // MARK: Signing keys
    /// Every key, newest first.
    func signingKeys() throws(StoreError) -> [SigningKeyRecord]
    /// Every key's kid and state, newest first: what a poller compares to notice a rotation
    /// without reading (and decoding) whole records.
    func signingKeyStates() throws(StoreError) -> [SigningKeyState]
    /// Persists `KeyLifecycle.decide(action, …)` on the current keys, in one transaction with
    /// its audit entries and feed event. A decision that inserts a fresh key uses `fresh`
    /// (its state set by the decision); when it needs one and `fresh` is nil, nothing is
    /// written and the answer is `.needsFreshKey`. `.notFound` / `.refused` as the decision says.
    func changeSigningKeys(_ action: KeyAction, fresh: SigningKeyRecord?, audit: AuditContext) throws(StoreError) -> KeyChangeOutcome
    /// Drops the revocation events `RevocationRetention` says no live token can be affected
    /// by at `now`; returns how many.
    @discardableResult
    func pruneRevocations(at now: Double) throws(StoreError) -> Int

    // MARK: Revocation and audit
    /// Revokes one access token by `jti` until `expiresAt`.
    func revokeTokenID(_ jti: String, expiresAt: Double, audit: AuditContext) throws(StoreError)
    /// Feed events with a sequence number above `after`, oldest first.
    func revocations(after: Int64, limit: Int) throws(StoreError) -> [RevocationEvent]
    /// The sequence number of the newest feed event kept (0 when none is).
    func revocationHead() throws(StoreError) -> Int64
    /// Why a token with these claims is revoked, or nil.
    func revocationVerdict(sessionID: String?, tokenID: String?, user: String?, issuedAt: Double?, kid: String?) throws(StoreError) -> RevocationVerdict?
    /// Appends an audit entry (security events; administrative acts append their own).
    func appendAudit(_ entry: AuditEntry) throws(StoreError)
    /// Audit entries newest first (by time, then id), continuing after `before` when given.
    func auditEntries(limit: Int, before: (at: Double, id: Int64)?) throws(StoreError) -> [AuditEntry]

    /// Entries about one user, newest first, at most `limit`: those whose target is the user
    /// (`NAME`, or `user NAME` for an incident) or one of the user's sessions (`ID`, `session ID`).
    func auditEntries(about user: String, limit: Int) throws(StoreError) -> [AuditEntry]

    // MARK: Verifiers
    /// Writes what `VerifierRegistry.merge` makes of `record` and the stored record of its
    /// instance, in one transaction; keeps at most `VerifierRegistry.capacity` rows, dropping
    /// the longest-silent first. True when something was written.
    @discardableResult
    func recordVerifier(_ record: VerifierRecord) throws(StoreError) -> Bool
    /// Every recorded verifier instance, most recent report first.
    func verifiers() throws(StoreError) -> [VerifierRecord]
    /// Forgets instances silent since before `before`; returns how many.
    @discardableResult
    func forgetVerifiers(silentSince before: Double) throws(StoreError) -> Int
}

extension SessionStore {
    /// Writable unless the store says otherwise.
    public var canWrite: Bool { true }

    /// `revokeSessions(ids:audit:auditEach:)` with an audit entry per session.
    @discardableResult
    public func revokeSessions(ids: [String], audit: AuditContext) throws(StoreError) -> Int {
        try revokeSessions(ids: ids, audit: audit, auditEach: true)
    }

    /// A new session with its first refresh token, through the one insert path.
    public func createSession(_ session: SessionRecord, refreshTokenHash: [UInt8]) throws(StoreError) {
        let first = RefreshTokenRecord(hash: refreshTokenHash, sessionID: session.id, parentHash: nil, issuedAt: session.createdAt, issuedIP: session.ip)
        try importSessions([ImportedSession(session: session, family: [first])])
    }

    /// Adds a key: `active` when there is none, else `next`.
    public func addSigningKey(_ key: SigningKeyRecord, audit: AuditContext) throws(StoreError) {
        _ = try changeSigningKeys(.add, fresh: key, audit: audit)
    }

    /// Makes the oldest `next` key, else `fresh`, active; the old active key starts retiring.
    /// Returns the new active kid.
    @discardableResult
    public func rotateSigningKeys(fresh: SigningKeyRecord, audit: AuditContext) throws(StoreError) -> String {
        guard case .applied(let decision, let freshKid) = try changeSigningKeys(.rotate, fresh: fresh, audit: audit) else {
            throw .refused("no key to activate")
        }
        return decision.newActive?.kid(fresh: freshKid) ?? ""
    }

    /// Retires a `next` or `retiring` key now. `.refused` for the active key.
    public func retireSigningKey(kid: String, audit: AuditContext) throws(StoreError) {
        _ = try changeSigningKeys(.retire(kid), fresh: nil, audit: audit)
    }

    /// Revokes a key; revoking the active key activates the `next` key or `fresh`.
    public func revokeSigningKey(kid: String, fresh: SigningKeyRecord, audit: AuditContext) throws(StoreError) {
        _ = try changeSigningKeys(.revoke(kid), fresh: fresh, audit: audit)
    }

    /// Housekeeping at `now`: retires every retiring key past its horizon and drops the
    /// revocation events that can no longer affect a live token. Returns the retired kids.
    @discardableResult
    public func retireExpiredKeys(at now: Double) throws(StoreError) -> [String] {
        guard canWrite else { return [] }  // a read-only connection looks, it does not tidy
        let outcome = try changeSigningKeys(.autoRetire, fresh: nil, audit: AuditContext(actor: "system", reason: "housekeeping", at: now))
        try pruneRevocations(at: now)
        try forgetVerifiers(silentSince: now - VerifierRegistry.forgottenAfter)
        guard case .applied(let decision, _) = outcome else { return [] }
        return decision.transitions.map { $0.key.kid(fresh: nil) }
    }

    /// From the whole records: for stores without a cheaper query.
    public func signingKeyStates() throws(StoreError) -> [SigningKeyState] {
        try signingKeys().map { SigningKeyState(kid: $0.kid, state: $0.state) }
    }

    /// One transaction per presentation: for stores without group commit.
    public func rotateRefreshTokens(_ requests: [RefreshPresentation]) throws(StoreError) -> [Result<RefreshOutcome, StoreError>] {
        requests.map { request in
            Result { () throws(StoreError) -> RefreshOutcome in
                try rotateRefreshToken(
                    presentedHash: request.presentedHash, successorHash: request.successorHash, ip: request.ip,
                    at: request.at, policy: request.policy)
            }
        }
    }
}
