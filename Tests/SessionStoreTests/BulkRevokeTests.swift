import Foundation
import JOSE
import SessionCore
import Testing

/// Revoking everything a filter matches: the blast radius first, then chunks of bounded
/// transactions, one audit entry, a feed event per session, and a stop that keeps exactly
/// what was committed.
@Suite("Bulk revocation")
struct BulkRevokeTests {
    static func seed(_ fixture: StoreFixture, count: Int) throws {
        var batch: [ImportedSession] = []
        for index in 0..<count {
            let at = StoreFixture.now - Double(index)
            batch.append(
                ImportedSession(
                    session: SessionRecord(
                        id: String(format: "b%05d", index), user: "user\(index % 40)", client: index % 3 == 0 ? "cli" : "web",
                        ip: index % 2 == 0 ? "203.0.113.\(index % 250)" : "198.51.100.\(index % 250)", userAgent: index % 5 == 0 ? "curl/8" : "Mozilla",
                        createdAt: at, lastUsedAt: at, expiresAt: at + 86_400, idleExpiresAt: at + 86_400,
                        revokedAt: index % 10 == 9 ? at : nil, revokeReason: index % 10 == 9 ? "old" : nil, revokedBy: index % 10 == 9 ? "t" : nil),
                    family: []))
        }
        try fixture.store.importSessions(batch)
    }

    @Test("every active match revoked, in chunks, one audit entry, a feed event each", arguments: StoreKind.allCases)
    func whole(_ kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Self.seed(fixture, count: 1_300)
        let administration = Administration(store: fixture.store, kek: fixture.kek)
        let query = try SessionFilter.parse("ip:203.0.113.0/24 -agent:~curl").query(limit: 50, now: StoreFixture.now)
        let matching = (0..<1_300).filter { $0 % 2 == 0 && $0 % 5 != 0 && $0 % 10 != 9 }
        let expected = matching.count
        let radius = try administration.bulkRadius(query, now: StoreFixture.now)
        #expect(radius.sessions == expected && radius.users == Set(matching.map { $0 % 40 }).count && radius.sample.count == 5)
        #expect(radius.sample.map(\.id) == matching.prefix(5).map { String(format: "b%05d", $0) })
        #expect(radius.clients.map(\.1).reduce(0, +) == expected)
        let feedBefore = try fixture.store.revocationHead()
        var reports: [Int] = []
        let outcome = try administration.revokeMatching(query, criteria: "ip:203.0.113.0/24 -agent:~curl", audit: fixture.audit("phish", at: StoreFixture.now))
        {
            reports.append($0)
            return true
        }
        #expect(outcome == BulkOutcome(revoked: expected, cancelled: false))
        #expect(reports.count == (expected + Administration.bulkChunk - 1) / Administration.bulkChunk && reports.last == expected)
        #expect(try fixture.store.revocations(after: feedBefore, limit: 10_000).count == expected)
        let entries = try fixture.store.auditEntries(limit: 100, before: nil)
        #expect(entries.filter { $0.action == .sessionRevoke }.isEmpty)
        let bulk = entries.filter { $0.action == .sessionRevokeBulk }
        #expect(
            bulk.count == 1 && bulk[0].target == "ip:203.0.113.0/24 -agent:~curl" && bulk[0].detail == "\(expected) sessions revoked"
                && bulk[0].reason == "phish")
        #expect(try administration.bulkRadius(query, now: StoreFixture.now).sessions == 0)
        let untouched = try SessionSearch.sessions(
            SessionQuery(ipPrefix: "198.51.100.", state: .active, limit: 10_000), in: fixture.store, now: StoreFixture.now)
        #expect(untouched.count == (0..<1_300).filter { $0 % 2 == 1 && $0 % 10 != 9 }.count)
    }

    @Test("stopping after the first chunk keeps exactly that chunk, and the audit entry says so")
    func cancelled() throws {
        let fixture = try StoreFixture(.sqlite)
        try Self.seed(fixture, count: 1_300)
        let administration = Administration(store: fixture.store, kek: fixture.kek)
        let outcome = try administration.revokeMatching(SessionQuery(), criteria: "", audit: fixture.audit()) { _ in false }
        #expect(outcome == BulkOutcome(revoked: Administration.bulkChunk, cancelled: true))
        #expect(try fixture.store.sessionCounts(now: StoreFixture.now).active == 1_170 - Administration.bulkChunk)
        let entry = try #require(try fixture.store.auditEntries(limit: 10, before: nil).first { $0.action == .sessionRevokeBulk })
        #expect(entry.target == "every session" && entry.detail == "\(Administration.bulkChunk) sessions revoked; cancelled")
    }
}
