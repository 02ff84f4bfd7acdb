import Foundation
import JOSE
import SessionCore
import Testing

/// Every term of the filter language gives, on every store, exactly the sessions the pure
/// rule (`SessionFilter.matches`) picks, in listing order, and pages join up.
@Suite("Filters in the store")
struct FilterStoreTests {
    static let now = StoreFixture.now
    static let users = ["alice", "Alan", "bob", "carol.kim", "dave"]
    static let clients = ["web", "cli", "ios", "client-cli"]
    static let agents = ["Mozilla/5.0 Firefox/133.0", "curl/8.11.0", "Orders/4.12 (iOS)", "okhttp/4.12 Firefox-ish"]

    static func seed(_ store: any SessionStore) throws -> [SessionRecord] {
        var all: [SessionRecord] = []
        for index in 0..<240 {
            let created = now - Double(index) * 97
            let ip =
                index % 3 == 0 ? "2001:db8:\(index % 5)::\(index)" : index % 3 == 1 ? "203.0.\(112 + index % 20).\(index % 250)" : "198.51.100.\(index % 250)"
            let session = SessionRecord(
                id: String(format: "S%03dx", index), user: users[index % users.count], client: clients[index % clients.count], ip: ip,
                userAgent: agents[index % agents.count], createdAt: created, lastUsedAt: created + Double(index % 7) * 50,
                expiresAt: created + 86_400 * Double(1 + index % 9), idleExpiresAt: created + 3_600 * Double(1 + index % 40),
                revokedAt: index % 11 == 0 ? created + 10 : nil, revokeReason: index % 11 == 0 ? "r" : nil, revokedBy: index % 11 == 0 ? "t" : nil)
            all.append(session)
        }
        try store.importSessions(all.map { ImportedSession(session: $0, family: []) })
        return all
    }

    static let filters = [
        "user:al", "user:=alice", "user:AL", "user:~o", "-user:al", "client:cli", "client:=cli", "-client:cli", "client:~cli",
        "ip:203.0.113.0/24", "ip:203.0.112.0/20", "ip:198.51.100.7/32", "ip:2001:db8::/32", "ip:2001:db8:1::/48", "-ip:203.0.112.0/20", "ip:2001:",
        "agent:moz", "agent:~firefox", "id:S01", "id:=S010x", "id:s01", "created<1h", "created>3h", "seen<30m", "-seen<30m",
        "expires<2h", "expires>1d", "state:active", "state:revoked", "-state:active", "state:active state:revoked", "al", "-al", "bob 198.",
        "user:al client:web created<5h", "agent:~firefox -state:revoked ip:203.0.112.0/20",
    ]

    @Test("each filter gives exactly the pure rule's sessions, in every sort order", arguments: StoreKind.allCases)
    func agreement(_ kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let all = try Self.seed(fixture.store)
        for text in Self.filters {
            let filter = try SessionFilter.parse(text)
            for sort in [SessionSort.created, .user, .expires] {
                let expected = all.filter { filter.matches($0, now: Self.now) }
                    .sorted { SessionCursor($0, sort: sort, now: Self.now).precedes(SessionCursor($1, sort: sort, now: Self.now), in: sort) }.map(\.id)
                let got = try SessionSearch.sessions(filter.query(limit: 1_000, now: Self.now, sort: sort), in: fixture.store, now: Self.now).map(\.id)
                #expect(got == expected, "\(kind) \(text) sorted by \(sort)")
            }
        }
    }

    @Test("pages of a residual filter join up, forwards and backwards", arguments: StoreKind.allCases)
    func paging(_ kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let all = try Self.seed(fixture.store)
        let filter = try SessionFilter.parse("agent:~firefox -client:cli")
        let expected = all.filter { filter.matches($0, now: Self.now) }.map(\.id)
        var query = filter.query(limit: 7, now: Self.now)
        var pages: [String] = []
        while true {
            let page = try SessionSearch.sessions(query, in: fixture.store, now: Self.now)
            pages += page.map(\.id)
            guard page.count == 7, let last = page.last else { break }
            query.after = SessionCursor(last, sort: .created, now: Self.now)
        }
        #expect(pages == expected)
        var back = filter.query(limit: 5, now: Self.now)
        back.oldest = true
        let last = try SessionSearch.sessions(back, in: fixture.store, now: Self.now).map(\.id)
        #expect(last == Array(expected.suffix(5)))
        back.oldest = false
        back.before = SessionCursor(all.first { $0.id == expected[expected.count - 5] }!, sort: .created, now: Self.now)
        #expect(try SessionSearch.sessions(back, in: fixture.store, now: Self.now).map(\.id) == Array(expected.suffix(10).prefix(5)))
    }
}
