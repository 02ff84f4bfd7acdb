import Foundation
import JOSE
import SessionCore
import SessionStoreTesting
import Testing

@testable import SessionSQLite

@Suite("Copying a store")
struct StoreCopyTests {
    let now = StoreFixture.now

    /// A store with some of everything: users, sessions with rotations and a reuse, a client,
    /// keys in three states, feed events of every kind, audit entries.
    func filled(_ f: StoreFixture) throws {
        try f.store.addUser(UserRecord(name: "alice", passwordHash: "scrypt$x", createdAt: now), audit: f.audit())
        try f.store.addClient(ClientRecord(id: "reporting", secretHash: "scrypt$y", createdAt: now), audit: f.audit())
        try f.store.addSigningKey(try f.key(), audit: f.audit())
        try f.store.addSigningKey(try f.key(), audit: f.audit())
        try f.store.rotateSigningKeys(fresh: try f.key(), audit: f.audit(at: now + 1))
        for index in 0..<30 {
            let (session, token) = try f.session(user: index % 2 == 0 ? "alice" : "bob")
            if index % 3 == 0 {
                _ = try f.store.rotateRefreshToken(
                    presentedHash: HashFunction.sha256.hash(token), successorHash: HashFunction.sha256.hash(SecureRandom.bytes(32)), ip: "b",
                    at: now + 2, policy: RefreshPolicy())
            }
            if index % 7 == 0 { try f.store.revokeSessions(ids: [session.id], audit: f.audit(at: now + 3)) }
        }
        try f.store.revokeTokenID("jti-1", expiresAt: now + 600, audit: f.audit(at: now + 4))
        try f.store.revokeUser("bob", audit: f.audit(at: now + 5))
    }

    @Test(
        "everything moves as it is, with the feed's sequence numbers; the counts match",
        arguments: [
            (StoreKind.sqlite, StoreKind.postgres), (.postgres, .sqlite), (.sqlite, .memory), (.memory, .sqlite),
        ].filter { PostgresTestServer.available || ($0.0 != .postgres && $0.1 != .postgres) })
    func roundTrip(_ kinds: (StoreKind, StoreKind)) throws {
        let source = try StoreFixture(kinds.0)
        let target = try StoreFixture(kinds.1)
        try filled(source)
        let from = try #require(source.store as? any TransferableStore)
        let to = try #require(target.store as? any TransferableStore)
        var reported: [StoreCopy.Part] = []
        let counts = try StoreCopy.copy(from: from, to: to, batch: 7) { part, _, _ in if reported.last != part { reported.append(part) } }
        #expect(counts == (try from.counts()))
        #expect(counts.sessions == 30 && counts.signingKeys == 2 && counts.revocations >= 6)
        #expect(reported.first == .users && reported.contains(.sessions) && reported.last == .audit)
        #expect(try target.store.revocations(after: 0, limit: 1000) == (try source.store.revocations(after: 0, limit: 1000)))
        #expect(try target.store.signingKeys() == (try source.store.signingKeys()))
        #expect(try target.store.user(named: "alice") == (try source.store.user(named: "alice")))
        #expect(try target.store.client(id: "reporting") == (try source.store.client(id: "reporting")))
        let sourceAudit = try source.store.auditEntries(limit: 1000, before: nil)
        #expect(try target.store.auditEntries(limit: 1000, before: nil) == sourceAudit)
        for session in try source.store.sessions(SessionQuery(limit: 100), now: now) {
            #expect(try target.store.session(id: session.id) == session)
            #expect(try target.store.refreshHistory(sessionID: session.id) == (try source.store.refreshHistory(sessionID: session.id)))
        }
        // A new event continues the copied sequence, and the copied keys still open.
        let last = try #require(try target.store.revocations(after: 0, limit: 1000).last?.sequence)
        try target.store.revokeTokenID("jti-after-the-move", expiresAt: now + 600, audit: target.audit(at: now + 6))
        #expect(try target.store.revocations(after: last, limit: 10).first?.sequence == last + 1)
        _ = try KeyRing.signingKey(try #require(try target.store.signingKeys().first), kek: source.kek)
    }

    @Test("a target that holds anything is refused, and nothing is written to it")
    func refusesNonEmpty() throws {
        let source = try StoreFixture(.sqlite)
        try filled(source)
        let target = try StoreFixture(.sqlite)
        try target.store.addUser(UserRecord(name: "zed", passwordHash: "x", createdAt: now), audit: target.audit())
        let before = try target.sqlite.counts()
        #expect(throws: StoreError.self) { try StoreCopy.copy(from: source.sqlite, to: target.sqlite) }
        #expect(try target.sqlite.counts() == before)
    }
}
