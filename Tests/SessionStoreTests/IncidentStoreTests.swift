import Foundation
import SessionCore
import Testing

/// Incident containment on every store: the blast radius before, the acts and their feed
/// event after, one incident audit entry; nothing written for a target that does not exist.
@Suite("Incidents in the store")
struct IncidentStoreTests {
    static func administration(_ fixture: StoreFixture) -> Administration { Administration(store: fixture.store, kek: fixture.kek) }

    @Test("user: blast radius, cutoff and sessions revoked, account disabled, the event's sequence", arguments: StoreKind.allCases)
    func user(_ kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        let now = StoreFixture.now
        try store.addUser(UserRecord(name: "alice", passwordHash: "!", createdAt: now), audit: fixture.audit())
        try fixture.session(user: "alice", at: now - 3_600)  // idle an hour: no live access token
        try fixture.session(user: "alice", at: now - 10)
        try fixture.session(user: "bob", at: now - 10)
        try store.recordVerifier(
            VerifierRecord(VerifierReport(service: "orders", instance: "a", feedSequence: 0, kids: [], version: "1")!, client: nil, address: "x", at: now))
        let incident = Incident(.user("alice"), disableUser: true)
        let radius = try BlastRadius.measure(incident, in: store, now: now)
        #expect(radius == BlastRadius(sessions: 2, users: 1, liveAccessTokens: 1, services: ["orders"], instances: 1))
        let act = try Self.administration(fixture).contain(incident, radius: radius, audit: fixture.audit("stolen", at: now))
        #expect(act.revokedSessions == 2)
        let event = try #require(try store.revocations(after: 0, limit: 10).last)
        #expect(act.sequence == event.sequence && event.kind == .user && event.target == "alice")
        #expect(try store.user(named: "alice")?.disabled == true)
        #expect(try store.sessions(SessionQuery(user: "bob", state: .active), now: now).count == 1)
        let entry = try #require(try store.auditEntries(limit: 10, before: nil).first { $0.action == .incident })
        #expect(entry.target == "user alice" && entry.reason == "stolen")
        #expect(
            entry.detail == "user alice: 2 sessions revoked, earlier tokens refused, account disabled; blast radius: \(radius.summary); feed #\(act.sequence)")
    }

    @Test("key: revoked, the waiting key signs, a fresh next is published; sessions too when asked", arguments: StoreKind.allCases)
    func key(_ kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        let now = StoreFixture.now
        let administration = Self.administration(fixture)
        try administration.ensureSigningKeys(audit: fixture.audit(at: now - 100))
        let before = try store.signingKeys()
        let active = try #require(before.first { $0.state == .active }).kid
        let waiting = try #require(before.first { $0.state == .next }).kid
        try fixture.session(at: now - 10)
        try fixture.session(at: now - 3_600)
        let incident = Incident(.key(active), revokeKeySessions: true)
        let radius = try BlastRadius.measure(incident, in: store, now: now)
        #expect(radius.sessions == 1 && radius.liveAccessTokens == 1 && radius.users == nil)
        let act = try administration.contain(incident, radius: radius, audit: fixture.audit(at: now))
        #expect(act.newActiveKid == waiting && act.revokedSessions == 1)
        let after = try store.signingKeys()
        #expect(after.first { $0.kid == active }?.state == .revoked && after.first { $0.kid == waiting }?.state == .active)
        #expect(after.filter { $0.state == .next }.count == 1)
        let keyEvent = try #require(try store.revocations(after: 0, limit: 10).first { $0.kind == .key })
        #expect(act.sequence == keyEvent.sequence && keyEvent.target == active)
        #expect(try store.sessionCounts(now: now).active == 1)
        // Containing it again (a second look at the same leak) finds the same event.
        #expect(try administration.contain(Incident(.key(active)), radius: radius, audit: fixture.audit(at: now + 1)).sequence == keyEvent.sequence)
    }

    @Test("a session, and targets that do not exist: notFound, nothing written", arguments: StoreKind.allCases)
    func sessionAndMissing(_ kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        let now = StoreFixture.now
        let (session, _) = try fixture.session(at: now - 10)
        let administration = Self.administration(fixture)
        let act = try administration.contain(
            Incident(.session(session.id)), radius: try BlastRadius.measure(Incident(.session(session.id)), in: store, now: now), audit: fixture.audit(at: now))
        #expect(act.revokedSessions == 1 && act.summary == "session \(session.id): revoked")
        let audit = try store.auditEntries(limit: 100, before: nil)
        let feed = try store.revocations(after: 0, limit: 100)
        for target in [Incident.Target.user("nobody"), .session("no-such"), .key("no-such")] {
            #expect(throws: StoreError.self) { try BlastRadius.measure(Incident(target), in: store, now: now) }
            let empty = BlastRadius(sessions: 0, users: nil, liveAccessTokens: 0, services: [], instances: 0)
            #expect(throws: StoreError.self) { try administration.contain(Incident(target), radius: empty, audit: fixture.audit(at: now)) }
        }
        #expect(try store.auditEntries(limit: 100, before: nil) == audit)
        #expect(try store.revocations(after: 0, limit: 100) == feed)
        #expect(try store.revocationHead() == feed.last?.sequence)
    }
}
