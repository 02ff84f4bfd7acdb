import JOSE

/// How far containment of one incident has got at every verifier, as the verifiers report
/// it: what the console's progress panel draws and `sessionctl incident` prints. Pure: it
/// is fed the registry's statuses and remembers when each instance first applied.
///
/// An instance has applied the incident when its reported feed position is at or past the
/// incident's event and, for a key, it no longer holds the kid. Every instance live at the
/// start or reporting since counts; one silent before the incident is named but not
/// waited for. The incident is contained when every counted instance has applied it.
public struct ContainmentProgress: Sendable, Equatable {
    /// One instance's state.
    public enum State: String, Sendable, Equatable {
        /// Not applied yet, within `staleAfter` of the start.
        case waiting
        case applied
        /// Not applied `staleAfter` seconds after the start: it is behind, not polling, or
        /// does not follow the feed at all.
        case stale
        /// Silent since before the incident: named, not counted.
        case silent
    }

    public struct Instance: Sendable, Equatable {
        public var service: String
        public var instance: String
        public var state: State
        /// Seconds from the start to the report that first showed it applied.
        public var appliedAfter: Double?
        /// Why it is not applied: "no report since", "at #12 of #14", "still holds k1", "no feed".
        public var note: String
        public var lastSeen: Double
    }

    /// An instance that has not applied this long after the start is stale.
    public static let staleAfter: Double = 2

    public let sequence: Int64
    public let kid: String?
    public let startedAt: Double
    public private(set) var instances: [Instance] = []
    public private(set) var now: Double

    /// Waiting for every verifier to apply feed event `sequence` (and drop `kid`), from
    /// `startedAt` (the moment of confirmation).
    public init(sequence: Int64, kid: String?, startedAt: Double) {
        self.sequence = sequence
        self.kid = kid
        self.startedAt = startedAt
        now = startedAt
    }

    /// Takes in the registry as it is at `now`.
    public mutating func observe(_ statuses: [VerifierStatus], now: Double) {
        self.now = now
        var previous: [String: Instance] = [:]
        for instance in instances { previous[instance.service + "\u{0}" + instance.instance] = instance }
        var next: [Instance] = []
        for status in statuses {
            let record = status.record
            let earlier = previous[record.key]
            let silent = status.liveness != .live
            var instance = Instance(
                service: record.service, instance: record.instance, state: .waiting, appliedAfter: earlier?.appliedAfter, note: "",
                lastSeen: record.lastSeen)
            if status.hasApplied(sequence, droppingKid: kid) {
                instance.state = .applied
                instance.appliedAfter = earlier?.appliedAfter ?? max(0, record.lastSeen - startedAt)
            } else if silent {
                if earlier == nil || earlier?.state == .silent {
                    instance.state = .silent
                    instance.note = "silent since \(Timestamp.rfc3339(record.lastSeen))"
                } else {
                    instance.state = .stale
                    instance.note = "went silent"
                }
            } else {
                instance.appliedAfter = nil
                instance.note = Self.why(record, sequence: sequence, kid: kid, startedAt: startedAt)
                instance.state = now - startedAt > Self.staleAfter ? .stale : .waiting
            }
            next.append(instance)
        }
        instances = next.sorted { ($0.service, $0.instance) < ($1.service, $1.instance) }
    }

    private static func why(_ record: VerifierRecord, sequence: Int64, kid: String?, startedAt: Double) -> String {
        guard let position = record.feedSequence else { return "does not follow the feed" }
        if record.lastSeen < startedAt { return "no report since the incident" }
        if position < sequence { return "at #\(position) of #\(sequence)" }
        if let kid, record.kids.contains(kid) { return "still holds \(kid)" }
        return ""
    }

    /// The instances counted: all but those silent since before the incident.
    public var counted: [Instance] { instances.filter { $0.state != .silent } }
    /// Counted instances that have applied it.
    public var applied: Int { counted.filter { $0.state == .applied }.count }
    /// True when every counted instance applied it (vacuously, when none is counted).
    public var contained: Bool { counted.allSatisfy { $0.state == .applied } }
    /// Seconds from the start until the last counted instance applied (when contained).
    public var timeToContain: Double? {
        guard contained else { return nil }
        return counted.compactMap(\.appliedAfter).max() ?? 0
    }
    /// Counted instances not applied, and silent ones: the names the outcome gives.
    public var laggards: [Instance] { instances.filter { $0.state != .applied } }

    /// "contained: 3 of 3 instances, 412 ms (as reported by the verifiers)" or
    /// "not contained: 2 of 3 instances applied; stale: orders/b (no report since the incident)".
    public var line: String {
        let total = counted.count
        if let time = timeToContain {
            if total == 0 { return "contained: no live verifier to wait for" + silentNote }
            return "contained: \(total) of \(total) instance\(total == 1 ? "" : "s"), \(Int((time * 1000).rounded())) ms (as reported by the verifiers)"
                + silentNote
        }
        let behind = counted.filter { $0.state != .applied }
        let waiting = behind.filter { $0.state == .waiting }
        let stale = behind.filter { $0.state == .stale }
        var parts = ["not contained: \(applied) of \(total) instance\(total == 1 ? "" : "s") applied"]
        if !waiting.isEmpty { parts.append("waiting: " + waiting.map(Self.name).joined(separator: ", ")) }
        if !stale.isEmpty { parts.append("stale: " + stale.map { "\(Self.name($0)) (\($0.note))" }.joined(separator: ", ")) }
        return parts.joined(separator: "; ") + silentNote
    }

    private var silentNote: String {
        let silent = instances.filter { $0.state == .silent }
        return silent.isEmpty ? "" : "; silent, not counted: " + silent.map(Self.name).joined(separator: ", ")
    }

    static func name(_ instance: Instance) -> String { "\(instance.service)/\(instance.instance)" }

    public var json: JSONObject {
        var object = JSONObject([
            "contained": .bool(contained), "applied": .number(JSONNumber(applied)), "counted": .number(JSONNumber(counted.count)),
            "sequence": .number(JSONNumber(Int(sequence))), "line": .string(line), "started_at": .number(JSONNumber(startedAt)),
            "instances": .array(
                instances.map { instance in
                    var row = JSONObject([
                        "service": .string(instance.service), "instance": .string(instance.instance), "state": .string(instance.state.rawValue),
                        "note": .string(instance.note), "last_seen": .string(Timestamp.rfc3339(instance.lastSeen)),
                    ])
                    row["applied_ms"] = instance.appliedAfter.map { .number(JSONNumber(Int(($0 * 1000).rounded()))) } ?? .null
                    return .object(row)
                }),
        ])
        object["kid"] = kid.map { .string($0) } ?? .null
        object["contained_ms"] = timeToContain.map { .number(JSONNumber(Int(($0 * 1000).rounded()))) } ?? .null
        return object
    }
}
