import Testing
import JOSE
import SessionCore

/// The key lifecycle with no store: states before, action, states after.
@Suite("KeyLifecycle")
struct KeyLifecycleTests {
    static let now: Double = 1_000_000
    static let lifetimes = TokenLifetimes(maxAccessTokenLifetime: 300, leeway: 60)

    /// Keys written as "kid:state", oldest first (created one second apart).
    static func keys(_ spec: String) -> [KeyStatus] {
        spec.split(separator: " ").enumerated().map { index, item in
            let parts = item.split(separator: ":")
            let state = KeyState(rawValue: String(parts[1]))!
            return KeyStatus(
                kid: String(parts[0]), state: state, createdAt: Double(index),
                retiringAt: state == .retiring ? Double(parts.count > 2 ? Int(parts[2])! : 0) : nil)
        }
    }

    static func describe(_ keys: [KeyStatus]) -> String {
        keys.map { "\($0.kid):\($0.state.rawValue)" }.joined(separator: " ")
    }

    struct Row: Sendable, CustomStringConvertible {
        let before: String
        let action: KeyAction
        let after: String
        let fresh: Bool
        let revoked: String?
        var description: String { "\(before) | \(action)" }
    }

    static let rows: [Row] = [
        // add: the first key signs; later ones wait as next.
        Row(before: "", action: .add, after: "F:active", fresh: true, revoked: nil),
        Row(before: "a:active", action: .add, after: "a:active F:next", fresh: true, revoked: nil),
        // ensure: a key in the state only when there is none.
        Row(before: "", action: .ensure(.active), after: "F:active", fresh: true, revoked: nil),
        Row(before: "a:active", action: .ensure(.active), after: "a:active", fresh: false, revoked: nil),
        Row(before: "a:active", action: .ensure(.next), after: "a:active F:next", fresh: true, revoked: nil),
        Row(before: "a:active b:next", action: .ensure(.next), after: "a:active b:next", fresh: false, revoked: nil),
        // rotate: the oldest next key signs, the active one retires; a fresh key only when no next waits.
        Row(before: "a:active b:next", action: .rotate, after: "a:retiring b:active", fresh: false, revoked: nil),
        Row(before: "a:active b:next c:next", action: .rotate, after: "a:retiring b:active c:next", fresh: false, revoked: nil),
        Row(before: "a:active", action: .rotate, after: "a:retiring F:active", fresh: true, revoked: nil),
        Row(before: "", action: .rotate, after: "F:active", fresh: true, revoked: nil),
        Row(before: "a:retired b:revoked", action: .rotate, after: "a:retired b:revoked F:active", fresh: true, revoked: nil),
        // retire: next or retiring keys only.
        Row(before: "a:active b:next", action: .retire("b"), after: "a:active b:retired", fresh: false, revoked: nil),
        Row(before: "a:retiring b:active", action: .retire("a"), after: "a:retired b:active", fresh: false, revoked: nil),
        // revoke: any live key; the active one is replaced in the same decision.
        Row(before: "a:active b:next", action: .revoke("a"), after: "a:revoked b:active", fresh: false, revoked: "a"),
        Row(before: "a:active", action: .revoke("a"), after: "a:revoked F:active", fresh: true, revoked: "a"),
        Row(before: "a:active b:next", action: .revoke("b"), after: "a:active b:revoked", fresh: false, revoked: "b"),
        Row(before: "a:retiring b:active", action: .revoke("a"), after: "a:revoked b:active", fresh: false, revoked: "a"),
        Row(before: "a:retired b:active", action: .revoke("a"), after: "a:revoked b:active", fresh: false, revoked: "a"),
        // autoRetire: retiring keys past last signing + 300 s + 60 s leeway; now is 1,000,000.
        Row(
            before: "a:retiring:999640 b:retiring:999641 c:active", action: .autoRetire,
            after: "a:retired b:retiring c:active", fresh: false, revoked: nil),
        Row(before: "a:active b:next", action: .autoRetire, after: "a:active b:next", fresh: false, revoked: nil),
    ]

    @Test("states before, action, states after", arguments: rows)
    func table(_ row: Row) throws {
        let before = Self.keys(row.before)
        let decision = try KeyLifecycle.decide(row.action, keys: before, at: Self.now, lifetimes: Self.lifetimes)
        #expect(decision.needsFreshKey == row.fresh)
        #expect(decision.revokedKid == row.revoked)
        let after = KeyLifecycle.apply(decision, to: before, freshKid: "F", at: Self.now)
        #expect(Self.describe(after) == row.after)
        // Exactly one key signs once there is any.
        #expect(after.filter { $0.state == .active }.count == (after.isEmpty ? 0 : 1))
    }

    @Test(
        "refusals: the active key cannot retire, dead keys cannot change, unknown kids are not found",
        arguments: [
            ("a:active", KeyAction.retire("a"), StoreError.refused("key a is active: rotate to another key first")),
            ("a:active b:retired", .retire("b"), .refused("key b is already retired")),
            ("a:active b:revoked", .retire("b"), .refused("key b is revoked")),
            ("a:active b:revoked", .revoke("b"), .refused("key b is already revoked")),
            ("a:active", .revoke("zz"), .notFound("no signing key zz")),
            ("a:active", .retire("zz"), .notFound("no signing key zz")),
        ])
    func refusals(_ row: (String, KeyAction, StoreError)) {
        #expect(throws: row.2) { try KeyLifecycle.decide(row.1, keys: Self.keys(row.0), at: Self.now, lifetimes: Self.lifetimes) }
    }

    @Test("which key signs, and when a retiring key retires")
    func signingAndHorizon() {
        #expect(KeyLifecycle.signingKid(Self.keys("a:retiring b:active c:next")) == "b")
        #expect(KeyLifecycle.signingKid(Self.keys("a:next")) == nil)
        #expect(KeyLifecycle.retiresAt(retiringAt: 100, lifetimes: Self.lifetimes) == 460)
    }

    @Test("audit entries name the act, the keys and the fresh key")
    func audit() throws {
        let context = AuditContext(actor: "alice", reason: "quarterly", at: Self.now)
        let fresh = SigningKeyRecord(kid: "F", algorithm: "ES256", state: .next, createdAt: Self.now, publicJWK: JSONObject(), sealedPrivateKey: [])
        func entries(_ before: String, _ action: KeyAction) throws -> [AuditEntry] {
            try KeyLifecycle.decide(action, keys: Self.keys(before), at: Self.now, lifetimes: Self.lifetimes).auditEntries(context, fresh: fresh)
        }
        let rotate = try entries("a:active", .rotate)
        #expect(rotate.map(\.action) == [.keyRotate] && rotate[0].target == "F" && rotate[0].detail == "a now retiring")
        #expect(try entries("", .rotate)[0].detail == "first active key")
        let revoke = try entries("a:active b:next", .revoke("a"))
        #expect(revoke[0].action == .keyRevoke && revoke[0].target == "a" && revoke[0].detail == "was active; b now signs")
        #expect(try entries("a:active b:next", .revoke("b"))[0].detail == "was next")
        #expect(try entries("a:active", .add)[0].detail == "ES256, next")
        let retired = try entries("a:retiring:0 b:retiring:1 c:active", .autoRetire)
        #expect(retired.map(\.target) == ["a", "b"] && retired.allSatisfy { $0.actor == "system" && $0.action == .keyRetire })
    }
}

/// What housekeeping may drop from the revocation feed, and the user cutoff rule.
@Suite("RevocationRetention, UserCutoff, LoginLimits")
struct RevocationRulesTests {
    @Test(
        "an event is kept until no token it could affect can be alive",
        arguments: [
            (expiresAt: 99.0, now: 100.0, drop: true), (100, 100, true), (100.5, 100, false), (200, 100, false),
        ])
    func retention(_ row: (expiresAt: Double, now: Double, drop: Bool)) {
        let event = RevocationEvent(sequence: 1, kind: .session, target: "s", at: 0, expiresAt: row.expiresAt)
        #expect(RevocationRetention.mayDrop(event, at: row.now) == row.drop)
    }

    @Test(
        "the cutoff rule as a table",
        arguments: [
            (iat: 99.0, cutoff: 100.0, revoked: true), (100, 100, true), (100, 100.999, true), (100.5, 100.2, true),
            (101, 100.999, false), (101, 100, false), (0, 0, true),
        ])
    func cutoff(_ row: (iat: Double, cutoff: Double, revoked: Bool)) {
        #expect(UserCutoff.revokes(issuedAt: row.iat, cutoff: row.cutoff) == row.revoked)
        #expect(UserCutoff.revokes(issuedAt: UserCutoff.firstUnaffectedTime(after: row.cutoff), cutoff: row.cutoff) == false)
    }

    @Test(
        "login limits: a slot is refused once the user or the address has used its share",
        arguments: [
            (user: 4, address: 19, wait: nil as Double?), (5, 0, 200), (0, 20, 250), (5, 20, 250),
        ])
    func limits(_ row: (user: Int, address: Int, wait: Double?)) {
        let limits = LoginLimits(perUser: 5, perAddress: 20, window: 300)
        let wait = limits.retryAfter(
            user: LoginLimits.Count(attempts: row.user, oldest: 0),
            address: LoginLimits.Count(attempts: row.address, oldest: 50), now: 100)
        #expect(wait == row.wait)
    }
}
