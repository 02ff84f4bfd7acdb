import Foundation
import Testing
import SessionCore
import JOSE

/// One user's picture, read the same from every store: sessions by state, the login
/// throttle, the audit trail naming the user or the user's sessions.
@Suite("User overview")
struct UserOverviewTests {
    let now = StoreFixture.now

    @Test("sessions by state, recent failures and the throttle, and only this user's audit trail", arguments: StoreKind.allCases)
    func overview(_ kind: StoreKind) throws {
        let f = try StoreFixture(kind)
        try f.store.addUser(UserRecord(name: "alice", passwordHash: "scrypt$secret-hash", createdAt: now - 1000), audit: f.audit("hire", at: now - 1000))
        try f.store.addUser(UserRecord(name: "bob", passwordHash: "x", createdAt: now - 1000), audit: f.audit("hire", at: now - 1000))
        let (kept, _) = try f.session(user: "alice", at: now - 50)
        let (lost, _) = try f.session(user: "Alice", at: now - 40)
        try f.session(user: "alice", at: now - 10 * 86_400)  // idle end passed: expired
        let (other, _) = try f.session(user: "bob", at: now - 30)
        try f.store.revokeSessions(ids: [lost.id], audit: f.audit("lost phone", at: now - 20))
        try f.store.revokeSessions(ids: [other.id], audit: f.audit("bob's", at: now - 20))
        try f.store.setUserDisabled("bob", disabled: true, audit: f.audit("left", at: now - 15))
        // Three failures of alice (one from another case of the name), one in flight.
        let limits = LoginLimits(perUser: 3, perAddress: 20, window: 300)
        for (offset, address) in [(-200.0, "198.51.100.1"), (-100, "198.51.100.2"), (-5, "198.51.100.3")] {
            guard
                case .reserved(let id) = try f.store.reserveLoginAttempt(
                    user: offset == -100 ? "ALICE" : "alice", address: address, limits: limits, at: now + offset)
            else { Issue.record("no slot"); return }
            try f.store.settleLoginAttempt(id: id, outcome: .failed)
        }
        _ = try f.store.reserveLoginAttempt(user: "bob", address: "198.51.100.9", limits: limits, at: now)

        let overview = try UserOverview.load("alice", from: f.store, limits: limits, now: now)
        #expect(overview.user?.name == "alice" && overview.user?.passwordHash == "" && overview.user?.disabled == false)
        #expect(overview.sessions == SessionStateCounts(active: 1, revoked: 1, expired: 1))
        #expect(overview.recentSessions.map(\.id).prefix(2) == [lost.id, kept.id] && overview.recentSessions.count == 3)
        #expect(overview.attempts.map(\.address) == ["198.51.100.3", "198.51.100.2", "198.51.100.1"] && overview.attempts.allSatisfy(\.failed))
        #expect(overview.logins.held == 3 && overview.logins.retryAfter == 100 && overview.logins.lastFailure?.address == "198.51.100.3")
        #expect(overview.audit.map(\.action) == [.sessionRevoke, .userAdd] && overview.audit.map(\.target) == [lost.id, "alice"])

        let bob = try UserOverview.load("bob", from: f.store, limits: limits, now: now)
        #expect(bob.user?.disabled == true && bob.sessions == SessionStateCounts(revoked: 1) && bob.logins.held == 1 && bob.logins.retryAfter == nil)
        #expect(bob.audit.map(\.action) == [.userDisable, .sessionRevoke, .userAdd])
        #expect(throws: StoreError.self) { try UserOverview.load("nobody", from: f.store, now: now) }
    }

    @Test("a session-only user (no account) still has a picture; an incident on the user is in the trail", arguments: StoreKind.allCases)
    func sessionsOnly(_ kind: StoreKind) throws {
        let f = try StoreFixture(kind)
        let (session, _) = try f.session(user: "imported", at: now - 10)
        try f.store.appendAudit(AuditEntry(at: now - 5, actor: "ops", action: .incident, target: "user imported", reason: "phished"))
        try f.store.appendAudit(AuditEntry(at: now - 4, actor: "ops", action: .incident, target: "session \(session.id)", reason: "phished"))
        try f.store.appendAudit(AuditEntry(at: now - 3, actor: "ops", action: .incident, target: "user importedX", reason: "other"))
        let overview = try UserOverview.load("imported", from: f.store, now: now)
        #expect(overview.user == nil && overview.sessions == SessionStateCounts(active: 1))
        #expect(overview.audit.map(\.target) == ["session \(session.id)", "user imported"])
    }
}
