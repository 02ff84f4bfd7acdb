import Foundation
import Testing
import SessionCore
import JOSE
@testable import SessionSQLite

@Suite("Sessions, refresh families, users")
struct SessionStoreTests {
    let now = StoreFixture.now

    @Test("a rotation spends the token, records the family and extends the idle end", arguments: StoreKind.allCases)
    func rotation(_ kind: StoreKind) throws {
        let f = try StoreFixture(kind)
        let (session, token) = try f.session()
        #expect(throws: StoreError.refused("session \(session.id) already exists")) { try f.session(id: session.id) }
        let next = SecureRandom.bytes(32)
        let outcome = try f.store.rotateRefreshToken(
            presentedHash: HashFunction.sha256.hash(token), successorHash: HashFunction.sha256.hash(next),
            ip: "198.51.100.4", at: now + 100, policy: RefreshPolicy())
        guard case .rotated(let rotated) = outcome else { Issue.record("\(outcome)"); return }
        #expect(rotated.rotations == 1)
        #expect(rotated.ip == "198.51.100.4")
        #expect(rotated.idleExpiresAt == now + 100 + RefreshPolicy().idleTimeout)
        let history = try f.store.refreshHistory(sessionID: session.id)
        #expect(history.count == 2)
        #expect(history[0].spentAt == now + 100)
        #expect(history[0].successorHash == HashFunction.sha256.hash(next))
        #expect(history[1].parentHash == HashFunction.sha256.hash(token))
        #expect(history[1].issuedIP == "198.51.100.4")
        // Only hashes are stored: the token bytes appear nowhere in the database file.
        guard kind == .sqlite else { return }
        let data = try Data(contentsOf: URL(fileURLWithPath: f.path))
        let wal = (try? Data(contentsOf: URL(fileURLWithPath: f.path + "-wal"))) ?? Data()
        #expect(data.range(of: Data(token)) == nil && wal.range(of: Data(token)) == nil)
    }

    @Test("a spent token presented again revokes the whole session and audits refresh_reuse", arguments: StoreKind.allCases)
    func reuse(_ kind: StoreKind) throws {
        let f = try StoreFixture(kind)
        let (session, token) = try f.session()
        let first = SecureRandom.bytes(32)
        _ = try f.store.rotateRefreshToken(
            presentedHash: HashFunction.sha256.hash(token), successorHash: HashFunction.sha256.hash(first),
            ip: "a", at: now + 1, policy: RefreshPolicy())
        let replay = try f.store.rotateRefreshToken(
            presentedHash: HashFunction.sha256.hash(token), successorHash: HashFunction.sha256.hash(SecureRandom.bytes(32)),
            ip: "evil", at: now + 2, policy: RefreshPolicy())
        guard case .reuseDetected(let revoked) = replay else { Issue.record("\(replay)"); return }
        #expect(revoked.state(at: now + 2) == .revoked)
        #expect(try f.store.session(id: session.id)?.revokeReason == "refresh token reuse")
        // The legitimate successor is dead too: the family is revoked.
        let after = try f.store.rotateRefreshToken(
            presentedHash: HashFunction.sha256.hash(first), successorHash: HashFunction.sha256.hash(SecureRandom.bytes(32)),
            ip: "a", at: now + 3, policy: RefreshPolicy())
        #expect(after == .sessionEnded(try #require(try f.store.session(id: session.id)), .revoked))
        let audit = try f.store.auditEntries(limit: 10, before: nil)
        #expect(audit.contains { $0.action == .refreshReuse && $0.target == session.id && $0.detail.contains(session.id) })
        #expect(try f.store.revocations(after: 0, limit: 10).contains { $0.kind == .session && $0.target == session.id })
    }

    @Test("within the grace window the same successor stands; after it, reuse is theft", arguments: StoreKind.allCases)
    func grace(_ kind: StoreKind) throws {
        let f = try StoreFixture(kind)
        let policy = RefreshPolicy(reuseGrace: 10)
        let (session, token) = try f.session(policy: policy)
        let successor = HashFunction.sha256.hash(SecureRandom.bytes(32))
        _ = try f.store.rotateRefreshToken(presentedHash: HashFunction.sha256.hash(token), successorHash: successor, ip: "a", at: now + 1, policy: policy)
        let retry = try f.store.rotateRefreshToken(
            presentedHash: HashFunction.sha256.hash(token), successorHash: HashFunction.sha256.hash(SecureRandom.bytes(32)),
            ip: "a", at: now + 5, policy: policy)
        guard case .replayedWithinGrace = retry else { Issue.record("\(retry)"); return }
        #expect(try f.store.refreshHistory(sessionID: session.id).count == 2)  // no second branch
        let late = try f.store.rotateRefreshToken(
            presentedHash: HashFunction.sha256.hash(token), successorHash: HashFunction.sha256.hash(SecureRandom.bytes(32)),
            ip: "a", at: now + 12, policy: policy)
        guard case .reuseDetected = late else { Issue.record("\(late)"); return }
        #expect(RefreshPolicy(reuseGrace: 600).reuseGrace == 60)
    }

    @Test("many concurrent rotations of one token: exactly one succeeds", arguments: StoreKind.allCases)
    func concurrentRotations(_ kind: StoreKind) async throws {
        let f = try StoreFixture(kind)
        let (_, token) = try f.session()
        let presented = HashFunction.sha256.hash(token)
        let store = f.store
        let at = now + 1
        let outcomes = await withTaskGroup(of: RefreshOutcome?.self) { group in
            for _ in 0..<32 {
                group.addTask {
                    try? store.rotateRefreshToken(
                        presentedHash: presented, successorHash: HashFunction.sha256.hash(SecureRandom.bytes(32)),
                        ip: "x", at: at, policy: RefreshPolicy())
                }
            }
            var all: [RefreshOutcome?] = []
            for await outcome in group { all.append(outcome) }
            return all
        }
        let rotated = outcomes.filter { if case .rotated? = $0 { return true } else { return false } }
        #expect(rotated.count == 1)
        #expect(outcomes.allSatisfy { $0 != nil })
    }

    @Test("rotations from two connections (processes) serialise: exactly one succeeds")
    func twoConnections() throws {
        let f = try StoreFixture()
        let (_, token) = try f.session()
        let other = try SQLiteSessionStore(path: f.path, create: false)
        _ = f.sqlite
        let presented = HashFunction.sha256.hash(token)
        let a = try f.store.rotateRefreshToken(
            presentedHash: presented, successorHash: HashFunction.sha256.hash(SecureRandom.bytes(32)), ip: "a", at: now + 1, policy: RefreshPolicy())
        let b = try other.rotateRefreshToken(
            presentedHash: presented, successorHash: HashFunction.sha256.hash(SecureRandom.bytes(32)), ip: "b", at: now + 1, policy: RefreshPolicy())
        guard case .rotated = a, case .reuseDetected = b else { Issue.record("\(a) \(b)"); return }
    }

    @Test("expired and idle sessions do not rotate; unknown tokens are unknown", arguments: StoreKind.allCases)
    func endedSessions(_ kind: StoreKind) throws {
        let f = try StoreFixture(kind)
        let policy = RefreshPolicy(sessionLifetime: 1000, idleTimeout: 100)
        let (_, token) = try f.session(policy: policy)
        let idle = try f.store.rotateRefreshToken(presentedHash: HashFunction.sha256.hash(token), successorHash: [1], ip: "a", at: now + 100, policy: policy)
        guard case .sessionEnded(_, .expired) = idle else { Issue.record("\(idle)"); return }
        #expect(try f.store.rotateRefreshToken(presentedHash: [0], successorHash: [1], ip: "a", at: now, policy: policy) == .unknownToken)
    }

    @Test("revoking sessions records reason, actor, audit and a feed event; revoked rows are skipped", arguments: StoreKind.allCases)
    func revokeSessions(_ kind: StoreKind) throws {
        let f = try StoreFixture(kind)
        let (a, _) = try f.session()
        let (b, _) = try f.session()
        #expect(try f.store.revokeSessions(ids: [a.id, b.id], audit: f.audit("stolen laptop", actor: "carol")) == 2)
        let revoked = try #require(try f.store.session(id: a.id))
        #expect(revoked.revokeReason == "stolen laptop" && revoked.revokedBy == "carol")
        #expect(try f.store.revokeSessions(ids: [a.id], audit: f.audit()) == 0)
        #expect(throws: StoreError.notFound("no session nope")) { try f.store.revokeSessions(ids: ["nope"], audit: f.audit()) }
        let events = try f.store.revocations(after: 0, limit: 10)
        #expect(events.map(\.target) == [a.id, b.id])
        #expect(events[0].sequence < events[1].sequence)
        #expect(try f.store.revocations(after: events[0].sequence, limit: 10).map(\.target) == [b.id])
        #expect(try f.store.revocationVerdict(sessionID: a.id, tokenID: nil, user: nil, issuedAt: nil, kid: nil) == .session(a.id))
        // Events live until no token they could affect is alive, then housekeeping drops them;
        // sequence numbers are never reused.
        let horizon = f.store.lifetimes.horizon(after: now)
        try f.store.retireExpiredKeys(at: horizon - 1)
        #expect(try f.store.revocations(after: 0, limit: 10).count == 2)
        try f.store.retireExpiredKeys(at: horizon)
        #expect(try f.store.revocations(after: 0, limit: 10).isEmpty)
        try f.store.revokeTokenID("j-9", expiresAt: horizon + 600, audit: f.audit(at: horizon))
        #expect(try f.store.revocations(after: 0, limit: 10).first?.sequence ?? 0 > events[1].sequence)
        // The session stays revoked after its feed event is gone.
        #expect(try f.store.revocationVerdict(sessionID: a.id, tokenID: nil, user: nil, issuedAt: nil, kid: nil) == .session(a.id))
    }

    @Test("revoking a user sets the cutoff and revokes every active session", arguments: StoreKind.allCases)
    func revokeUser(_ kind: StoreKind) throws {
        let f = try StoreFixture(kind)
        try f.store.addUser(UserRecord(name: "alice", passwordHash: try PasswordHasher(logN: 10, r: 8, p: 1).hash("pw"), createdAt: now), audit: f.audit())
        try f.session(user: "alice")
        try f.session(user: "alice")
        let (bob, _) = try f.session(user: "bob")
        #expect(try f.store.revokeUser("alice", audit: f.audit("left the company", at: now + 10)) == 2)
        #expect(try f.store.sessions(SessionQuery(user: "alice", state: .active), now: now + 11).isEmpty)
        #expect(try f.store.session(id: bob.id)?.state(at: now + 11) == .active)
        #expect(try f.store.revocationVerdict(sessionID: nil, tokenID: nil, user: "alice", issuedAt: now + 5, kid: nil) == .userCutoff("alice", now + 10))
        #expect(try f.store.revocationVerdict(sessionID: nil, tokenID: nil, user: "alice", issuedAt: now + 20, kid: nil) == nil)
        #expect(throws: StoreError.self) { try f.store.revokeUser("nobody", audit: f.audit()) }
        try f.store.setUserDisabled("alice", disabled: true, audit: f.audit())
        #expect(try f.store.user(named: "Alice")?.disabled == true)
        #expect(throws: StoreError.notFound("no user nobody")) { try f.store.setUserDisabled("nobody", disabled: true, audit: f.audit()) }
        #expect(throws: StoreError.refused("user alice already exists")) {
            try f.store.addUser(UserRecord(name: "alice", passwordHash: "x", createdAt: now), audit: f.audit())
        }
    }

    @Test("listing filters by user, ip prefix, client, state and text, newest first, with keyset pages", arguments: StoreKind.allCases)
    func listing(_ kind: StoreKind) throws {
        let f = try StoreFixture(kind)
        for i in 0..<30 { try f.session(user: i % 3 == 0 ? "alice" : "bob", id: String(format: "s%02d", i), at: now + Double(i)) }
        let page1 = try f.store.sessions(SessionQuery(limit: 10), now: now + 100)
        #expect(page1.map(\.id) == (20..<30).reversed().map { String(format: "s%02d", $0) })
        let page2 = try f.store.sessions(SessionQuery(limit: 10, after: SessionCursor(page1.last!, sort: .created, now: now)), now: now + 100)
        #expect(page2.first?.id == "s19")
        var back = SessionQuery(limit: 3)
        back.before = SessionCursor(page2.first!, sort: .created, now: now)
        #expect(try f.store.sessions(back, now: now).map(\.id) == ["s22", "s21", "s20"])
        var from = SessionQuery(limit: 2)
        from.from = SessionCursor(page2.first!, sort: .created, now: now)
        #expect(try f.store.sessions(from, now: now).map(\.id) == ["s19", "s18"])
        var oldest = SessionQuery(limit: 2)
        oldest.oldest = true
        #expect(try f.store.sessions(oldest, now: now).map(\.id) == ["s01", "s00"])
        let activity = try f.store.activity(now: now + 30, bucket: 10, buckets: 3)
        #expect(activity.logins == [10, 10, 10])
        #expect(activity.refreshes == [0, 0, 0] && activity.revocations == [0, 0, 0])
        let filtered = try SessionFilter.parse("user:=alice ip:203.0.113. state:revoked client:ios bo").query(limit: 50, now: now)
        #expect(filtered.conditions == [TextCondition(.user, "alice", exact: true), TextCondition(.ip, "203.0.113."), TextCondition(.client, "ios")])
        #expect(filtered.state == .revoked && filtered.text == "bo" && filtered.residual.isEmpty)
        #expect(try f.store.sessions(SessionQuery(user: "ALICE", limit: 100), now: now).count == 10)
        #expect(try f.store.sessions(SessionQuery(ipPrefix: "203.0.113.", limit: 100), now: now).count == 30)
        #expect(try f.store.sessions(SessionQuery(ipPrefix: "203.0.113.8", limit: 100), now: now).isEmpty)
        #expect(try f.store.sessions(SessionQuery(ipPrefix: "%", limit: 100), now: now).isEmpty)
        #expect(try f.store.sessions(SessionQuery(text: "ali", limit: 100), now: now).count == 10)
        try f.store.revokeSessions(ids: ["s00"], audit: f.audit())
        #expect(try f.store.sessions(SessionQuery(state: .revoked, limit: 100), now: now).map(\.id) == ["s00"])
        let counts = try f.store.sessionCounts(now: now + 100)
        #expect(counts.total == 30 && counts.active == 29 && counts.revokedToday == 1)
    }

    @Test("every sort order pages forward and back through the keyset", arguments: StoreKind.allCases)
    func sorting(_ kind: StoreKind) throws {
        let f = try StoreFixture(kind)
        let names = ["carol", "Alice", "bob", "alice", "dave", "Bob", "erin", "carol"]
        for (i, name) in names.enumerated() {
            try f.session(
                user: name, id: "id\(i)", at: now + Double(i) * (i % 2 == 0 ? 1 : -1),
                policy: i == 2 || i == 5 ? RefreshPolicy(sessionLifetime: 86_400, idleTimeout: 5) : RefreshPolicy())
        }
        try f.store.revokeSessions(ids: ["id3", "id6"], audit: f.audit())
        let later = now + 100  // id2 and id5 are idle by then
        for sort in SessionSort.allCases {
            let all = try f.store.sessions(SessionQuery(limit: 100, sort: sort), now: later)
            #expect(all.count == names.count)
            for (a, b) in zip(all, all.dropFirst()) {
                #expect(
                    SessionCursor(a, sort: sort, now: later).precedes(SessionCursor(b, sort: sort, now: later), in: sort), "\(sort): \(a.id) before \(b.id)")
            }
            // Pages of 3 forward, then back again, give the same rows.
            var forward: [String] = []
            var query = SessionQuery(limit: 3, sort: sort)
            while true {
                let page = try f.store.sessions(query, now: later)
                if page.isEmpty { break }
                forward += page.map(\.id)
                query.after = SessionCursor(page.last!, sort: sort, now: later)
            }
            #expect(forward == all.map(\.id), "\(sort)")
            var back = SessionQuery(limit: 3, sort: sort)
            back.before = SessionCursor(all[5], sort: sort, now: later)
            #expect(try f.store.sessions(back, now: later).map(\.id) == all[2..<5].map(\.id), "\(sort)")
            var last = SessionQuery(limit: 2, sort: sort)
            last.oldest = true
            #expect(try f.store.sessions(last, now: later).map(\.id) == all.suffix(2).map(\.id), "\(sort)")
        }
        let byState = try f.store.sessions(SessionQuery(limit: 100, sort: .state), now: later).map { $0.state(at: later) }
        #expect(byState == [.active, .active, .active, .active, .expired, .expired, .revoked, .revoked])
        var revokedOnly = SessionQuery(limit: 100, sort: .state)
        revokedOnly.state = .revoked
        #expect(try f.store.sessions(revokedOnly, now: later).map(\.id).sorted() == ["id3", "id6"])
        let byUser = try f.store.sessions(SessionQuery(limit: 100, sort: .user), now: now).map { $0.user.lowercased() }
        #expect(byUser == byUser.sorted())
    }

    @Test("the audit table refuses UPDATE and DELETE")
    func auditAppendOnly() throws {
        let f = try StoreFixture()
        try f.store.appendAudit(AuditEntry(at: now, actor: "a", action: AuditAction(rawValue: "x"), target: "t"))
        try f.sqlite.withConnection { db throws in
            #expect(throws: SQLiteError.self) { try db.execute("UPDATE audit SET actor = 'mallory'") }
            #expect(throws: SQLiteError.self) { try db.execute("DELETE FROM audit") }
            #expect(try db.scalarText("SELECT actor FROM audit") == "a")
        }
    }
}
