import Foundation
import SessionCore
import Testing

/// The verifier registry in every store: merged writes, bounded rows, forgetting.
@Suite("Verifier registry in the store")
struct VerifierStoreTests {
    static func record(_ instance: String, seq: Int64 = 1, client: String? = nil, at: Double) -> VerifierRecord {
        VerifierRecord(
            VerifierReport(service: "orders", instance: instance, feedSequence: seq, kids: ["k1", "k2"], version: "0.5.0")!, client: client,
            address: "10.0.0.7", at: at)
    }

    @Test("reports are merged by VerifierRegistry and read back whole", arguments: StoreKind.allCases)
    func merged(_ kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        let now = StoreFixture.now
        #expect(try store.recordVerifier(Self.record("a", at: now)))
        #expect(try !store.recordVerifier(Self.record("a", at: now + 1)))  // unchanged, within the interval
        #expect(try store.recordVerifier(Self.record("a", seq: 7, at: now + 2)))
        #expect(try store.recordVerifier(Self.record("b", seq: 3, client: "orders-svc", at: now + 3)))
        #expect(try !store.recordVerifier(Self.record("b", seq: 0, at: now + 4)))  // a bare claim on a verified instance
        let all = try store.verifiers()
        #expect(all.map(\.instance) == ["b", "a"])
        let a = try #require(all.last)
        #expect(a.feedSequence == 7 && a.kids == ["k1", "k2"] && a.firstSeen == now && a.lastSeen == now + 2 && a.client == nil)
        #expect(a.version == "0.5.0" && a.address == "10.0.0.7" && a.service == "orders")
        #expect(all.first?.client == "orders-svc" && all.first?.feedSequence == 3)
        #expect(try store.forgetVerifiers(silentSince: now + 3) == 1)
        #expect(try store.verifiers().map(\.instance) == ["b"])
    }

    @Test("thousands of made-up instances leave at most the capacity, the most recent kept", arguments: StoreKind.allCases)
    func bounded(_ kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        let extra = 50
        for index in 0..<(VerifierRegistry.capacity + extra) {
            try store.recordVerifier(Self.record("fake-\(index)", at: StoreFixture.now + Double(index)))
        }
        let kept = try store.verifiers()
        #expect(kept.count == VerifierRegistry.capacity)
        #expect(kept.first?.instance == "fake-\(VerifierRegistry.capacity + extra - 1)")
        #expect(!kept.contains { $0.instance == "fake-\(extra - 1)" })
    }

    @Test("housekeeping forgets instances silent for a day", arguments: StoreKind.allCases)
    func housekeeping(_ kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        try store.recordVerifier(Self.record("old", at: StoreFixture.now))
        try store.recordVerifier(Self.record("new", at: StoreFixture.now + VerifierRegistry.forgottenAfter))
        try store.retireExpiredKeys(at: StoreFixture.now + VerifierRegistry.forgottenAfter + 1)
        #expect(try store.verifiers().map(\.instance) == ["new"])
    }
}
