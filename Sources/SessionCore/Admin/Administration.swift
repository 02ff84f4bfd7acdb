import JOSE

/// The administrative acts the console, `sessionctl` and `sessiond`'s upkeep share, so each
/// exists once: revoke sessions or a user, and change the signing keys.
///
/// Guarantees: every act is one store transaction with its audit entry; a fresh signing key
/// is generated only when the key lifecycle's decision needs one (no `next` key waiting),
/// outside the transaction, with one rule for its algorithm (`freshKeyAlgorithm`); the
/// key-encryption key is asked for only then.
public struct Administration: Sendable {
    public let store: any SessionStore
    private let keyEncryptionKey: @Sendable () throws(StoreError) -> KeyEncryptionKey

    /// `keyEncryptionKey` is called only when a fresh key must be sealed.
    public init(store: any SessionStore, keyEncryptionKey: @escaping @Sendable () throws(StoreError) -> KeyEncryptionKey) {
        self.store = store
        self.keyEncryptionKey = keyEncryptionKey
    }

    public init(store: any SessionStore, kek: KeyEncryptionKey) {
        self.init(store: store, keyEncryptionKey: { kek })
    }

    // MARK: Sessions and users

    /// Revokes the given active sessions; returns how many were revoked.
    @discardableResult
    public func revokeSessions(ids: [String], audit: AuditContext) throws(StoreError) -> Int {
        try store.revokeSessions(ids: ids, audit: audit)
    }

    /// Sets the user's cutoff and revokes every active session of the user; returns how many.
    @discardableResult
    public func revokeUser(_ name: String, audit: AuditContext) throws(StoreError) -> Int {
        try store.revokeUser(name, audit: audit)
    }

    // MARK: Signing keys

    /// What a key change did.
    public struct KeyChange: Sendable, Equatable {
        /// The decision the store persisted.
        public let decision: KeyLifecycleDecision
        /// The kid of the key generated for it, when one was needed.
        public let freshKid: String?
        /// The kid that signs after the change, when it changed.
        public var newActiveKid: String? { decision.newActive?.kid(fresh: freshKid) }
    }

    /// Applies `action` to the signing keys. A fresh key, when the decision needs one, has
    /// `algorithm` or else `freshKeyAlgorithm`'s choice.
    @discardableResult
    public func changeKeys(_ action: KeyAction, algorithm: JWSAlgorithm? = nil, audit: AuditContext) throws(StoreError) -> KeyChange {
        var fresh: SigningKeyRecord?
        // A second pass only when another writer changed the keys between the two.
        for _ in 0..<3 {
            switch try store.changeSigningKeys(action, fresh: fresh, audit: audit) {
            case .applied(let decision, let freshKid):
                return KeyChange(decision: decision, freshKid: freshKid)
            case .needsFreshKey:
                let chosen = Self.freshKeyAlgorithm(requested: algorithm, keys: algorithm == nil ? try store.signingKeys() : [])
                fresh = try KeyRing.makeRecord(chosen, kek: try keyEncryptionKey(), at: audit.at)
            }
        }
        throw .busy("the signing keys kept changing; try again")
    }

    /// Makes sure there is an active key and a published `next` one (so verifiers hold a
    /// key before it signs); returns the kids it added.
    @discardableResult
    public func ensureSigningKeys(algorithm: JWSAlgorithm? = nil, audit: AuditContext) throws(StoreError) -> [String] {
        var added: [String] = []
        for wanted in [KeyState.active, .next] {
            // Decided inside the store's transaction: of several instances starting together,
            // one adds the key and the others find it there.
            if let kid = try changeKeys(.ensure(wanted), algorithm: algorithm, audit: audit).freshKid { added.append(kid) }
        }
        return added
    }

    /// The algorithm of a newly generated key: the one asked for, else the active key's,
    /// else ES256.
    public static func freshKeyAlgorithm(requested: JWSAlgorithm?, keys: [SigningKeyRecord]) -> JWSAlgorithm {
        requested ?? keys.first { $0.state == .active }.flatMap { JWSAlgorithm(name: $0.algorithm) } ?? .es256
    }
}
