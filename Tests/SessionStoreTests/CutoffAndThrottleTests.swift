import Foundation
import Testing
import SessionCore
import JOSE
@testable import SessionSQLite

@Suite("User cutoffs at the second's boundary; login-attempt reservations")
struct CutoffAndThrottleTests {
    let now = StoreFixture.now

    /// A cutoff at `now + 10.6`: every whole-second iat up to and including its own second
    /// is refused; the next second is not.
    static let boundary: [(iat: Double, revoked: Bool)] = [(9, true), (10, true), (10.9, true), (11, false), (12, false)]

    @Test("a token issued in the cutoff's own second is refused, one from the next second is not", arguments: StoreKind.allCases)
    func sameSecond(_ kind: StoreKind) throws {
        let f = try StoreFixture(kind)
        try f.session(user: "alice")
        try f.store.revokeUser("alice", audit: f.audit("stolen", at: now + 10.6))
        for (offset, revoked) in Self.boundary {
            let verdict = try f.store.revocationVerdict(sessionID: nil, tokenID: nil, user: "ALICE", issuedAt: now + offset, kid: nil)
            #expect((verdict != nil) == revoked, "iat = cutoff second \(offset - 10)")
        }
        #expect(try f.store.revocationVerdict(sessionID: nil, tokenID: nil, user: "alice", issuedAt: nil, kid: nil) != nil)
    }

    @Test("the verifier's denylist, fed the event through the feed's JSON, gives the store's answers", arguments: StoreKind.allCases)
    func denylistAgrees(_ kind: StoreKind) throws {
        let f = try StoreFixture(kind)
        try f.session(user: "alice")
        try f.store.revokeUser("alice", audit: f.audit("stolen", at: now + 10.6))
        // The feed carries whole seconds: the event goes through JSON as a follower reads it.
        let page = RevocationFeedPage(events: try f.store.revocations(after: 0, limit: 10), next: 0)
        let body = Array(JSONWriter.string(page.json).utf8)
        let read = try #require(RevocationFeedPage(body: body))
        var denylist = RevocationDenylist()
        read.events.forEach { denylist.apply($0) }
        for (offset, _) in Self.boundary {
            let fromStore = try f.store.revocationVerdict(sessionID: nil, tokenID: nil, user: "alice", issuedAt: now + offset, kid: nil) != nil
            let fromFeed = denylist.verdict(sessionID: nil, tokenID: nil, user: "alice", issuedAt: now + offset, kid: nil) != nil
            #expect(fromStore == fromFeed, "iat = cutoff second \(offset - 10)")
        }
    }

    @Test("of 30 concurrent reservations for one user, exactly 5 get a slot", arguments: StoreKind.allCases)
    func concurrentPerUser(_ kind: StoreKind) async throws {
        let f = try StoreFixture(kind)
        let store = f.store
        let at = now
        let granted = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<30 {
                group.addTask {
                    let reservation = try? store.reserveLoginAttempt(
                        user: index % 2 == 0 ? "alice" : "Alice", address: "a\(index)",
                        limits: LoginLimits(), at: at)
                    if case .reserved? = reservation { return true }
                    return false
                }
            }
            var count = 0
            for await ok in group where ok { count += 1 }
            return count
        }
        #expect(granted == 5)
    }

    @Test("of 40 concurrent reservations from one address for different users, exactly 20 get a slot", arguments: StoreKind.allCases)
    func concurrentPerAddress(_ kind: StoreKind) async throws {
        let f = try StoreFixture(kind)
        let store = f.store
        let at = now
        let granted = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<40 {
                group.addTask {
                    let reservation = try? store.reserveLoginAttempt(user: "user\(index)", address: "203.0.113.9", limits: LoginLimits(), at: at)
                    if case .reserved? = reservation { return true }
                    return false
                }
            }
            var count = 0
            for await ok in group where ok { count += 1 }
            return count
        }
        #expect(granted == 20)
    }

    @Test("settling: a failure keeps its slot, a success frees the user's, abandoning frees only itself", arguments: StoreKind.allCases)
    func settling(_ kind: StoreKind) throws {
        let f = try StoreFixture(kind)
        let limits = LoginLimits(perUser: 3, perAddress: 5, window: 300)
        func reserve(_ user: String, _ address: String, at offset: Double = 0) throws -> LoginReservation {
            try f.store.reserveLoginAttempt(user: user, address: address, limits: limits, at: now + offset)
        }
        func id(_ reservation: LoginReservation) throws -> Int64 {
            guard case .reserved(let id) = reservation else { throw StoreError.refused("no slot: \(reservation)") }
            return id
        }
        // Two failures and one attempt in flight fill alice's three slots.
        try f.store.settleLoginAttempt(id: try id(reserve("alice", "a")), outcome: .failed)
        try f.store.settleLoginAttempt(id: try id(reserve("alice", "b")), outcome: .failed)
        let pending = try id(reserve("alice", "c"))
        guard case .refused(let wait) = try reserve("alice", "d", at: 10) else { Issue.record("a fourth slot was given"); return }
        #expect(wait == 290)
        // Abandoning gives back only that slot.
        try f.store.settleLoginAttempt(id: pending, outcome: .abandoned)
        let again = try id(reserve("alice", "c"))
        #expect(try reserve("alice", "d") == .refused(retryAfter: 300))
        // A success clears alice's failures, not the addresses' counts.
        try f.store.settleLoginAttempt(id: again, outcome: .succeeded)
        try f.store.settleLoginAttempt(id: try id(reserve("alice", "a")), outcome: .failed)
        _ = try id(reserve("alice", "a"))
        // Address "a": alice's earlier failure there and two now: 3 of 5; two more fill it.
        _ = try id(reserve("bob", "a"))
        _ = try id(reserve("carol", "a"))
        guard case .refused = try reserve("dave", "a") else { Issue.record("address limit not applied"); return }
        // Outside the window, everything is forgotten; pruning drops what left it.
        #expect(try f.store.pruneLoginAttempts(before: now + 1) > 0)
        _ = try id(reserve("dave", "a", at: 301))
        try f.store.settleLoginAttempt(id: 9_999, outcome: .failed)  // unknown ids are ignored
    }

    @Test("a reservation left unsettled stops counting after 30 s; failures count for the whole window", arguments: StoreKind.allCases)
    func pendingLapses(_ kind: StoreKind) throws {
        let f = try StoreFixture(kind)
        let limits = LoginLimits(perUser: 2, perAddress: 20, window: 300)
        guard case .reserved(let first) = try f.store.reserveLoginAttempt(user: "alice", address: "a", limits: limits, at: now),
            case .reserved = try f.store.reserveLoginAttempt(user: "alice", address: "a", limits: limits, at: now)
        else {
            Issue.record("slots refused")
            return
        }
        #expect(try f.store.reserveLoginAttempt(user: "alice", address: "a", limits: limits, at: now + 29) == .refused(retryAfter: 271))
        try f.store.settleLoginAttempt(id: first, outcome: .failed)
        // The other one was never settled (its process died): after 30 s only the failure counts.
        guard case .reserved = try f.store.reserveLoginAttempt(user: "alice", address: "a", limits: limits, at: now + 31) else {
            Issue.record("an unsettled reservation still holds its slot")
            return
        }
        guard case .refused = try f.store.reserveLoginAttempt(user: "alice", address: "a", limits: limits, at: now + 32) else {
            Issue.record("the failure and the new reservation must fill the slots")
            return
        }
    }

    @Test("reservations from two connections (processes) share the count")
    func twoConnections() throws {
        let f = try StoreFixture()
        let other = try SQLiteSessionStore(path: f.path, create: false)
        let limits = LoginLimits(perUser: 2, perAddress: 20, window: 300)
        guard case .reserved = try f.store.reserveLoginAttempt(user: "alice", address: "a", limits: limits, at: now),
            case .reserved = try other.reserveLoginAttempt(user: "alice", address: "b", limits: limits, at: now)
        else {
            Issue.record("slots refused"); return
        }
        #expect(try f.store.reserveLoginAttempt(user: "alice", address: "c", limits: limits, at: now) == .refused(retryAfter: 300))
    }
}
