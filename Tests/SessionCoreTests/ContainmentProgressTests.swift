import SessionCore
import Testing

/// Containment as the verifiers report it: applied means at or past the event (and, for a
/// key, not holding it); waiting turns stale after `staleAfter`; silent ones are named and
/// not counted; the first report that showed it applied gives the time.
@Suite("ContainmentProgress")
struct ContainmentProgressTests {
    static let start: Double = 1_000

    static func status(_ instance: String, seq: Int64?, kids: [String] = ["k2"], lastSeen: Double, firstSeen: Double = 900) -> VerifierStatus {
        var record = VerifierRecord(
            VerifierReport(service: "orders", instance: instance, feedSequence: seq, kids: kids, version: "0.5.0")!, client: nil,
            address: "10.0.0.7", at: lastSeen)
        record.firstSeen = firstSeen
        return VerifierStatus(record, now: lastSeen, unapplied: nil, keys: [])
    }

    @Test("states, in table form: report → state and note")
    func table() {
        // (reported position, kids, last report, now) → state, note
        let rows: [(Int64?, [String], Double, Double, ContainmentProgress.State, String)] = [
            (10, ["k2"], 1_000.3, 1_000.5, .applied, ""),  // at the event
            (12, ["k2"], 1_000.3, 1_000.5, .applied, ""),  // past it
            (9, ["k2"], 1_000.3, 1_000.5, .waiting, "at #9 of #10"),
            (9, ["k2"], 1_000.3, 1_002.5, .stale, "at #9 of #10"),  // past staleAfter
            (9, ["k2"], 999, 1_001, .waiting, "no report since the incident"),
            (9, ["k2"], 999, 1_003, .stale, "no report since the incident"),
            (nil, ["k2"], 1_000.3, 1_003, .stale, "does not follow the feed"),
            (10, ["k1", "k2"], 1_000.3, 1_000.5, .waiting, "still holds k1"),  // key incident: kid still held
            (5, ["k2"], 900, 1_000.5, .silent, "silent since 1970-01-01T00:15:00Z"),  // silent before the incident
        ]
        for (seq, kids, lastSeen, now, state, note) in rows {
            var progress = ContainmentProgress(sequence: 10, kid: "k1", startedAt: Self.start)
            var status = Self.status("a", seq: seq, kids: kids, lastSeen: lastSeen)
            status.liveness = VerifierRegistry.liveness(status.record, now: now)
            progress.observe([status], now: now)
            #expect(progress.instances.first?.state == state, "\(seq as Any) \(kids) \(lastSeen) \(now)")
            #expect(progress.instances.first?.note == note, "\(seq as Any) \(kids) \(lastSeen) \(now)")
        }
    }

    @Test("contained once every counted instance applied; the time is the last first-applied report, kept across looks")
    func contained() {
        var progress = ContainmentProgress(sequence: 10, kid: nil, startedAt: Self.start)
        progress.observe([Self.status("a", seq: 10, lastSeen: 1_000.25), Self.status("b", seq: 9, lastSeen: 999)], now: 1_000.3)
        #expect(!progress.contained && progress.applied == 1 && progress.counted.count == 2)
        #expect(progress.line == "not contained: 1 of 2 instances applied; waiting: orders/b")
        // b applies; a reports again later (its refresh write): a's time stays 250 ms.
        progress.observe([Self.status("a", seq: 10, lastSeen: 1_005), Self.status("b", seq: 11, lastSeen: 1_000.5)], now: 1_000.5)
        #expect(progress.contained && progress.timeToContain == 0.5)
        #expect(progress.instances.map(\.appliedAfter) == [0.25, 0.5])
        #expect(progress.line == "contained: 2 of 2 instances, 500 ms (as reported by the verifiers)")
    }

    @Test("a silent instance is named but not waited for; one that falls silent during the incident is stale")
    func silent() {
        var progress = ContainmentProgress(sequence: 10, kid: nil, startedAt: Self.start)
        var old = Self.status("old", seq: 3, lastSeen: 800)
        old.liveness = .silent
        progress.observe([Self.status("a", seq: 10, lastSeen: 1_000.125), old], now: 1_000.2)
        #expect(progress.contained)
        #expect(progress.line == "contained: 1 of 1 instance, 125 ms (as reported by the verifiers); silent, not counted: orders/old")
        var fading = Self.status("a", seq: 9, lastSeen: 1_000.1)
        var again = ContainmentProgress(sequence: 10, kid: nil, startedAt: Self.start)
        again.observe([fading], now: 1_000.2)
        fading.liveness = .silent
        again.observe([fading], now: 1_061)
        #expect(again.instances.first?.state == .stale && !again.contained)
        #expect(again.line == "not contained: 0 of 1 instance applied; stale: orders/a (went silent)")
    }

    @Test("with no verifier at all there is nothing to wait for, and it says so")
    func nobody() {
        var progress = ContainmentProgress(sequence: 10, kid: nil, startedAt: Self.start)
        progress.observe([], now: 1_000.1)
        #expect(progress.contained && progress.line == "contained: no live verifier to wait for")
    }
}
