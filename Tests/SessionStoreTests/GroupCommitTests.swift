import Foundation
import SessionCore
import JOSE
import Testing

@Suite("group-committed rotations")
struct GroupCommitTests {
    @Test("a batch gives each presentation the outcome it would have alone, in order", arguments: StoreKind.allCases)
    func batchMatchesSequential(_ kind: StoreKind) throws {
        let f = try StoreFixture(kind)
        let (a, tokenA) = try f.session(user: "alice")
        let (b, tokenB) = try f.session(user: "bob")
        let hash = { (bytes: [UInt8]) in HashFunction.sha256.hash(bytes) }
        let successorA = SecureRandom.bytes(32)
        let policy = RefreshPolicy()
        let at = StoreFixture.now + 10
        let requests = [
            RefreshPresentation(presentedHash: hash(tokenA), successorHash: hash(successorA), ip: "198.51.100.1", at: at, policy: policy),
            // The same token again in the same batch: theft, exactly as if it came second alone.
            RefreshPresentation(presentedHash: hash(tokenA), successorHash: hash(SecureRandom.bytes(32)), ip: "203.0.113.66", at: at, policy: policy),
            RefreshPresentation(presentedHash: hash(tokenB), successorHash: hash(SecureRandom.bytes(32)), ip: "198.51.100.2", at: at, policy: policy),
            RefreshPresentation(presentedHash: hash(SecureRandom.bytes(32)), successorHash: hash(SecureRandom.bytes(32)), ip: "x", at: at, policy: policy),
        ]
        let results = try f.store.rotateRefreshTokens(requests).map { try $0.get() }
        #expect(results.count == 4)
        guard case .rotated(let rotatedA) = results[0] else { Issue.record("first: \(results[0])"); return }
        #expect(rotatedA.id == a.id && rotatedA.rotations == 1)
        guard case .reuseDetected(let revoked) = results[1] else { Issue.record("second: \(results[1])"); return }
        #expect(revoked.id == a.id)
        guard case .rotated(let rotatedB) = results[2] else { Issue.record("third: \(results[2])"); return }
        #expect(rotatedB.id == b.id)
        #expect(results[3] == .unknownToken)
        // Everything committed: a's family is revoked, b's successor is live.
        #expect(try f.store.session(id: a.id)?.revokedAt != nil)
        #expect(try f.store.session(id: b.id)?.revokedAt == nil)
        #expect(try f.store.refreshHistory(sessionID: b.id).count == 2)
        #expect(try f.store.auditEntries(limit: 10, before: nil).contains { $0.action == .refreshReuse && $0.target == a.id })
    }

    @Test("a successor presented later in the same batch rotates in turn, and a repeat inside the grace window replays", arguments: StoreKind.allCases)
    func chainInsideOneBatch(_ kind: StoreKind) throws {
        let f = try StoreFixture(kind)
        let (a, tokenA) = try f.session(user: "alice")
        let hash = { (bytes: [UInt8]) in HashFunction.sha256.hash(bytes) }
        let first = SecureRandom.bytes(32)
        let second = SecureRandom.bytes(32)
        let policy = RefreshPolicy(reuseGrace: 30)
        let at = StoreFixture.now + 10
        let requests = [
            RefreshPresentation(presentedHash: hash(tokenA), successorHash: hash(first), ip: "198.51.100.1", at: at, policy: policy),
            RefreshPresentation(presentedHash: hash(first), successorHash: hash(second), ip: "198.51.100.1", at: at, policy: policy),
            RefreshPresentation(presentedHash: hash(tokenA), successorHash: hash(SecureRandom.bytes(32)), ip: "198.51.100.1", at: at, policy: policy),
        ]
        let results = try f.store.rotateRefreshTokens(requests).map { try $0.get() }
        guard case .rotated(let once) = results[0], case .rotated(let twice) = results[1] else { Issue.record("\(results)"); return }
        #expect(once.rotations == 1 && twice.rotations == 2 && twice.id == a.id)
        guard case .replayedWithinGrace = results[2] else { Issue.record("third: \(results[2])"); return }
        #expect(try f.store.session(id: a.id)?.revokedAt == nil)
        #expect(try f.store.refreshHistory(sessionID: a.id).count == 3)
    }

    @Test("a presentation that cannot be written fails alone; the rest of its batch commits", arguments: StoreKind.allCases)
    func oneFailureStaysItsOwn(_ kind: StoreKind) throws {
        let f = try StoreFixture(kind)
        let (a, tokenA) = try f.session(user: "alice")
        let (b, tokenB) = try f.session(user: "bob")
        let hash = { (bytes: [UInt8]) in HashFunction.sha256.hash(bytes) }
        let policy = RefreshPolicy()
        let at = StoreFixture.now + 10
        let requests = [
            RefreshPresentation(presentedHash: hash(tokenA), successorHash: hash(SecureRandom.bytes(32)), ip: "198.51.100.1", at: at, policy: policy),
            // A successor whose hash is already taken (by alice's token) cannot be stored.
            RefreshPresentation(presentedHash: hash(tokenB), successorHash: hash(tokenA), ip: "198.51.100.2", at: at, policy: policy),
        ]
        let results = try f.store.rotateRefreshTokens(requests)
        guard case .success(.rotated(let rotatedA)) = results[0] else { Issue.record("first: \(results[0])"); return }
        #expect(rotatedA.id == a.id)
        guard case .failure = results[1] else { Issue.record("second: \(results[1])"); return }
        #expect(try f.store.refreshHistory(sessionID: a.id).count == 2)
        #expect(try f.store.refreshHistory(sessionID: b.id).count == 1)
        #expect(try f.store.session(id: b.id)?.rotations == 0)
    }
}
