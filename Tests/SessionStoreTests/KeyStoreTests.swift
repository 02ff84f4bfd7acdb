import Foundation
import Testing
import SessionCore
import JOSE
@testable import SessionSQLite

@Suite("Signing keys")
struct KeyStoreTests {
    let now = StoreFixture.now

    @Test("lifecycle: first key active, rotate promotes next, old key retires after the horizon", arguments: StoreKind.allCases)
    func lifecycle(_ kind: StoreKind) throws {
        let f = try StoreFixture(kind, lifetimes: TokenLifetimes(maxAccessTokenLifetime: 300, leeway: 60))
        let first = try f.key()
        try f.store.addSigningKey(first, audit: f.audit())
        let next = try f.key()
        try f.store.addSigningKey(next, audit: f.audit())
        var states = Dictionary(uniqueKeysWithValues: try f.store.signingKeys().map { ($0.kid, $0.state) })
        #expect(states[first.kid] == .active && states[next.kid] == .next)

        let activated = try f.store.rotateSigningKeys(fresh: try f.key(), audit: f.audit(at: now + 10))
        #expect(activated == next.kid)
        states = Dictionary(uniqueKeysWithValues: try f.store.signingKeys().map { ($0.kid, $0.state) })
        #expect(states[first.kid] == .retiring && states[next.kid] == .active && states.count == 2)

        #expect(try f.store.retireExpiredKeys(at: now + 10 + 359).isEmpty)
        #expect(try f.store.retireExpiredKeys(at: now + 10 + 360) == [first.kid])
        #expect(try f.store.signingKeys().filter { $0.state == .active }.count == 1)
        // The cheap kid/state listing a poller uses says exactly what the whole records say, in order.
        #expect(try f.store.signingKeyStates() == f.store.signingKeys().map { SigningKeyState(kid: $0.kid, state: $0.state) })
        #expect(try f.store.signingKeyStates().map(\.state).contains(.retired))

        // With no next key waiting, rotate uses the fresh key it was given.
        let fresh = try f.key()
        #expect(try f.store.rotateSigningKeys(fresh: fresh, audit: f.audit(at: now + 1000)) == fresh.kid)
    }

    @Test("the JWKS holds next, active and retiring keys, public members only", arguments: StoreKind.allCases)
    func jwks(_ kind: StoreKind) throws {
        let f = try StoreFixture(kind)
        for _ in 0..<2 { try f.store.addSigningKey(try f.key(), audit: f.audit()) }
        try f.store.rotateSigningKeys(fresh: try f.key(), audit: f.audit())
        let revoked = try f.key()
        try f.store.addSigningKey(revoked, audit: f.audit())
        try f.store.revokeSigningKey(kid: revoked.kid, fresh: try f.key(), audit: f.audit())
        let records = try f.store.signingKeys()
        let jwks = KeyRing.publishedJWKS(records)
        let kids = jwks["keys"]?.arrayValue?.compactMap { $0.objectValue?["kid"]?.stringValue } ?? []
        #expect(Set(kids) == Set(records.filter { $0.state.isPublished }.map(\.kid)))
        #expect(!kids.contains(revoked.kid))
        let text = JSONWriter.string(jwks)
        for name in JWSKey.privateMemberNames { #expect(!text.contains("\"\(name)\":")) }
    }

    @Test("revoking the active key activates a successor in the same transaction and feeds a key event", arguments: StoreKind.allCases)
    func revokeActive(_ kind: StoreKind) throws {
        let f = try StoreFixture(kind)
        let active = try f.key()
        try f.store.addSigningKey(active, audit: f.audit())
        let fresh = try f.key()
        try f.store.revokeSigningKey(kid: active.kid, fresh: fresh, audit: f.audit("leaked", at: now + 5))
        let records = try f.store.signingKeys()
        #expect(records.first { $0.kid == active.kid }?.state == .revoked)
        #expect(records.first { $0.kid == fresh.kid }?.state == .active)
        #expect(try f.store.revocationVerdict(sessionID: nil, tokenID: nil, user: nil, issuedAt: nil, kid: active.kid) == .key(active.kid))
        #expect(try f.store.revocations(after: 0, limit: 5).contains { $0.kind == .key && $0.target == active.kid })
        #expect(throws: StoreError.self) { try f.store.retireSigningKey(kid: fresh.kid, audit: f.audit()) }
        #expect(throws: StoreError.notFound("no signing key nope")) { try f.store.retireSigningKey(kid: "nope", audit: f.audit()) }
    }

    @Test("private keys are sealed: the database holds no private member, and only the right KEK opens them", arguments: StoreKind.allCases)
    func sealed(_ kind: StoreKind) throws {
        let f = try StoreFixture(kind)
        let record = try f.key(.rs256)
        try f.store.addSigningKey(record, audit: f.audit())
        let key = try KeyRing.signingKey(try #require(try f.store.signingKeys().first), kek: f.kek)
        let d = try #require(key.jwk(includePrivate: true)["d"]?.stringValue)
        if kind == .sqlite {
            let data = try Data(contentsOf: URL(fileURLWithPath: f.path)) + ((try? Data(contentsOf: URL(fileURLWithPath: f.path + "-wal"))) ?? Data())
            #expect(data.range(of: Data(d.utf8)) == nil)
            #expect(data.range(of: Data("\"d\":".utf8)) == nil)
        }
        if kind == .postgres, let database = f.database {
            let dump = try PostgresTestServer.psql(database.uri, "SELECT public_jwk, encode(sealed_private, 'escape') FROM signing_keys")
            #expect(!dump.contains(d) && !dump.contains("\"d\":"))
        }
        let wrong = try KeyEncryptionKey.load(environment: ["SESSION_KEK": Base64URL.encode(SecureRandom.bytes(32))], storePath: f.path, create: false).key
        #expect(throws: StoreError.self) { try KeyRing.signingKey(record, kek: wrong) }
        // The kid is bound as associated data: a sealed key moved to another kid does not open.
        var moved = record
        moved.kid = "other"
        #expect(throws: StoreError.self) { try KeyRing.signingKey(moved, kek: f.kek) }
    }

    @Test("the default key-encryption key file is created with mode 0600, and malformed keys are refused")
    func kekFile() throws {
        let f = try StoreFixture()
        let attributes = try FileManager.default.attributesOfItem(atPath: KeyEncryptionKey.defaultPath(forStore: f.path))
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let again = try KeyEncryptionKey.load(environment: [:], storePath: f.path, create: true)
        #expect(again.key.bytes == f.kek.bytes && again.warning == nil)
        #expect(throws: StoreError.self) { try KeyEncryptionKey.load(environment: ["SESSION_KEK": "short"], storePath: f.path, create: true) }
        let hex = String(repeating: "ab", count: 32)
        #expect(try KeyEncryptionKey.load(environment: ["SESSION_KEK": hex], storePath: f.path, create: false).key.bytes == [UInt8](repeating: 0xAB, count: 32))
        #expect(throws: StoreError.self) { try KeyRing.makeRecord(.hs256, kek: f.kek, at: now) }
    }
}
