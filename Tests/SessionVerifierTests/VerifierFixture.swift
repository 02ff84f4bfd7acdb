import JOSE
import SessionCore
import SessionStoreTesting

/// What a verifier test needs from an auth service, without one: an in-memory store with
/// an active and a next key, and access tokens issued for new sessions the way `sessiond`
/// issues them (`AccessTokenClaims`).
final class VerifierFixture: Sendable {
    static let issuer = "https://auth.test"
    static let audience = "sessions-api"
    let store = InMemorySessionStore()
    let kek: KeyEncryptionKey

    /// An access token and its session.
    struct Issued {
        let accessToken: String
        let sessionID: String
    }

    init() throws {
        kek = try KeyEncryptionKey.load(
            environment: ["SESSION_KEK": Base64URL.encode(SecureRandom.bytes(32))],
            storePath: "/nonexistent", create: false
        ).key
        try Administration(store: store, kek: kek)
            .ensureSigningKeys(audit: AuditContext(actor: "test", reason: "keys", at: SystemClock.now()))
    }

    /// A new session of `user` (client `svc`) and an access token for it, signed by the
    /// store's active key.
    func login(_ user: String = "alice") throws -> Issued {
        let now = SystemClock.now()
        let session = SessionRecord(
            id: SessionID.generate(), user: user, client: "svc", ip: "10.0.0.1", userAgent: "t",
            createdAt: now, lastUsedAt: now, expiresAt: now + 86_400, idleExpiresAt: now + 3_600)
        try store.createSession(session, refreshTokenHash: SecureRandom.bytes(32))
        guard let active = try store.signingKeys().first(where: { $0.state == .active }) else { throw StoreError.notFound("no active key") }
        let key = try KeyRing.signingKey(active, kek: kek)
        let token = try AccessTokenClaims.sign(for: session, issuer: Self.issuer, audience: Self.audience, lifetime: 300, now: now, key: key)
        return Issued(accessToken: token, sessionID: session.id)
    }
}
