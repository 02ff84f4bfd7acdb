import JOSE
import SessionCore
import Testing

/// The verifier registry's pure rules: reports are bounded and printable whatever arrives,
/// writes happen only when something changed or the interval passed, and a bare report
/// cannot take over a verified instance.
@Suite("Verifier reports and the registry's rules")
struct VerifierRegistryTests {
    static func report(_ service: String = "orders", _ instance: String = "host-1:41", seq: Int64? = 42, kids: [String] = ["k1"]) -> VerifierReport {
        VerifierReport(service: service, instance: instance, feedSequence: seq, kids: kids, version: "0.5.0")!
    }

    @Test("a report survives its header form")
    func roundTrip() throws {
        let report = Self.report(kids: ["k2", "k1"])
        let decoded = try #require(VerifierReport(headerValue: report.headerValue))
        #expect(decoded == report)
        #expect(decoded.kids == ["k1", "k2"])
        #expect(report.headerValue.allSatisfy { $0.isASCII && !$0.isWhitespace })
    }

    @Test("control, bidi and zero-width characters are stripped; fields are cut to their limits")
    func sanitised() throws {
        let hostile = try #require(
            VerifierReport(
                service: "\u{1B}[31morders\u{202E}\u{200B}\n", instance: String(repeating: "i", count: 10_000), feedSequence: -5,
                kids: (0..<1_000).map { "kid-\($0)\u{0007}" } + [String(repeating: "k", count: 5_000)], version: String(repeating: "9", count: 500)))
        #expect(hostile.service == "[31morders")
        #expect(hostile.instance.count == 128)
        #expect(hostile.feedSequence == 0)
        #expect(hostile.kids.count == VerifierReport.maxKids && hostile.kids.allSatisfy { !$0.contains("\u{0007}") && $0.count <= 128 })
        #expect(hostile.version.count == 32)
        #expect(VerifierReport(service: "\u{0000}\u{202E}", instance: "x", feedSequence: nil, kids: [], version: "") == nil)
    }

    @Test(
        "malformed or oversized headers are refused",
        arguments: [
            "", "not base64!", Base64URL.encode(Array("[1,2]".utf8)),
            Base64URL.encode(Array(#"{"service":"a"}"#.utf8)), Base64URL.encode(Array(#"{"service":"a","instance":"b","seq":1.5}"#.utf8)),
            Base64URL.encode(Array(#"{"service":"a","instance":"b","kids":[[[["deep"]]]]}"#.utf8)),
            Base64URL.encode(Array((#"{"service":"a","instance":"b","kids":[""# + String(repeating: "k", count: 4_000) + #""]}"#).utf8)),
        ])
    func refused(_ header: String) {
        #expect(VerifierReport(headerValue: header) == nil)
    }

    @Test("a 10 MB kid list never gets past the header limit")
    func hugeKidList() {
        let kids = (0..<500_000).map { "kid-\($0)" }
        let report = VerifierReport(service: "orders", instance: "a", feedSequence: 1, kids: kids, version: "1")!
        #expect(report.kids.count == VerifierReport.maxKids)
        #expect(report.headerValue.utf8.count < VerifierReport.maxHeaderBytes)
    }

    static func record(_ report: VerifierReport = report(), client: String? = nil, at: Double) -> VerifierRecord {
        VerifierRecord(report, client: client, address: "10.0.0.7", at: at)
    }

    @Test("merge: what is written, and when")
    func mergeTable() throws {
        let first = Self.record(at: 100)
        // A new instance is written as it came.
        #expect(VerifierRegistry.merge(existing: nil, incoming: first) == first)
        // Unchanged within the refresh interval: nothing; after it: the contact time moves.
        #expect(VerifierRegistry.merge(existing: first, incoming: Self.record(at: 104)) == nil)
        let later = try #require(VerifierRegistry.merge(existing: first, incoming: Self.record(at: 105)))
        #expect(later.lastSeen == 105 && later.firstSeen == 100)
        // A new feed position or key set is written at once.
        #expect(VerifierRegistry.merge(existing: first, incoming: Self.record(Self.report(seq: 43), at: 101))?.feedSequence == 43)
        #expect(VerifierRegistry.merge(existing: first, incoming: Self.record(Self.report(kids: ["k2"]), at: 101))?.kids == ["k2"])
        // A bare report cannot replace a live verified instance, but may once it has gone silent.
        let verified = Self.record(client: "orders-svc", at: 100)
        #expect(VerifierRegistry.merge(existing: verified, incoming: Self.record(Self.report(seq: 0), at: 110)) == nil)
        #expect(VerifierRegistry.merge(existing: verified, incoming: Self.record(Self.report(seq: 0), at: 100 + VerifierRegistry.silentAfter + 1)) != nil)
        // A verified report replaces a bare one.
        #expect(VerifierRegistry.merge(existing: first, incoming: Self.record(client: "orders-svc", at: 101))?.client == "orders-svc")
        // A report older than the stored one (it arrived late) never overwrites it, changed or not.
        let current = Self.record(Self.report(seq: 43, kids: ["k1", "k2"]), at: 200)
        #expect(VerifierRegistry.merge(existing: current, incoming: Self.record(Self.report(seq: 42, kids: []), at: 199.5)) == nil)
        #expect(VerifierRegistry.merge(existing: current, incoming: Self.record(Self.report(seq: 44), at: 200))?.feedSequence == 44)
    }

    @Test("liveness by silence", arguments: [(10.0, VerifierRegistry.Liveness.live), (60, .live), (61, .silent), (3_600, .silent), (3_601, .hidden)])
    func liveness(_ silence: Double, _ expected: VerifierRegistry.Liveness) {
        #expect(VerifierRegistry.liveness(Self.record(at: 1_000), now: 1_000 + silence) == expected)
    }

    @Test("status: feed lag in events and seconds, revoked keys still held, published keys missing")
    func status() {
        let keys = [SigningKeyState(kid: "k1", state: .revoked), SigningKeyState(kid: "k2", state: .active), SigningKeyState(kid: "k3", state: .next)]
        let behind = VerifierStatus(Self.record(Self.report(seq: 40, kids: ["k1", "k2"]), at: 1_000), now: 1_010, unapplied: (5, 1_004), keys: keys)
        #expect(behind.eventsBehind == 5 && behind.secondsBehind == 6)
        #expect(behind.revokedKidsHeld == ["k1"] && behind.missingKids == ["k3"])
        #expect(!behind.hasApplied(41) && behind.hasApplied(40) && !behind.hasApplied(40, droppingKid: "k1") && behind.hasApplied(40, droppingKid: "k3"))
        let current = VerifierStatus(Self.record(Self.report(seq: 45), at: 1_000), now: 1_010, unapplied: (0, nil), keys: keys)
        #expect(current.eventsBehind == 0 && current.secondsBehind == 0)
        let noFeed = VerifierStatus(Self.record(Self.report(seq: nil), at: 1_000), now: 1_010, unapplied: nil, keys: keys)
        #expect(noFeed.eventsBehind == nil && noFeed.secondsBehind == nil && !noFeed.hasApplied(1))
    }
}
