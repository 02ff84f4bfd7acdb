import Foundation
import JOSE
import SessionCore
import SessionPostgres
import SessionSQLite
import Testing

/// A store opened read-only refuses every write at the connection itself (SQLite's
/// `SQLITE_OPEN_READONLY`, PostgreSQL's read-only transactions), so no console bug can write.
@Suite("Read-only stores")
struct ReadOnlyStoreTests {
    static func writes(_ store: any SessionStore, _ session: SessionRecord) -> [String: Bool] {
        let audit = AuditContext(actor: "t", reason: "t", at: StoreFixture.now)
        var refused: [String: Bool] = [:]
        refused["revoke session"] = (try? store.revokeSessions(ids: [session.id], audit: audit)) == nil
        refused["revoke user"] = (try? store.revokeUser(session.user, audit: audit)) == nil
        refused["audit"] = (try? store.appendAudit(AuditEntry(at: StoreFixture.now, actor: "t", action: .sessionRevoke, target: "x"))) == nil
        refused["create session"] = (try? store.createSession(session, refreshTokenHash: HashFunction.sha256.hash("other"))) == nil
        return refused
    }

    @Test("SQLite: a read-only file opens read-only; reads work, every write is refused", arguments: [true, false])
    func sqlite(_ fileReadOnly: Bool) throws {
        let fixture = try StoreFixture(.sqlite)
        let (session, _) = try fixture.session()
        if fileReadOnly { try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: fixture.path) }
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: fixture.path) }
        if fileReadOnly { #expect(throws: StoreError.self) { try SQLiteSessionStore(path: fixture.path, create: false) } }
        let store = try SQLiteSessionStore(path: fixture.path, create: false, readOnly: true)
        #expect(!store.canWrite)
        #expect(try store.session(id: session.id)?.state(at: StoreFixture.now) == .active)
        #expect(Self.writes(store, session).values.allSatisfy { $0 })
        #expect(try store.session(id: session.id)?.state(at: StoreFixture.now) == .active)
        #expect(throws: StoreError.self) { try SQLiteSessionStore(path: fixture.path + ".missing", create: true, readOnly: true) }
        #expect(!FileManager.default.fileExists(atPath: fixture.path + ".missing"))
    }

    @Test("PostgreSQL: read-only transactions on every connection; reads work, every write is refused")
    func postgres() throws {
        guard PostgresTestServer.available else { return }
        let fixture = try StoreFixture(.postgres)
        let (session, _) = try fixture.session()
        let uri = try #require(fixture.postgresURI)
        let store = try PostgresSessionStore(PostgresLocation(uri), connections: 2, readOnly: true)
        #expect(!store.canWrite)
        #expect(try store.session(id: session.id)?.state(at: StoreFixture.now) == .active)
        #expect(Self.writes(store, session).values.allSatisfy { $0 })
        #expect(try fixture.store.session(id: session.id)?.state(at: StoreFixture.now) == .active)
    }
}
