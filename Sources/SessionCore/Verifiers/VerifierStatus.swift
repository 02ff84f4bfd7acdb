import JOSE

/// One verifier instance judged against the store's present: how far behind the feed it is
/// and which of its keys it should no longer hold. What the services view and
/// `sessionctl services list` show; computed the same way for both.
public struct VerifierStatus: Sendable, Equatable {
    public var record: VerifierRecord
    public var liveness: VerifierRegistry.Liveness
    /// Feed events it has not applied (nil: it does not follow the feed).
    public var eventsBehind: Int64?
    /// Age of the oldest event it has not applied, in seconds (0 when up to date).
    public var secondsBehind: Double?
    /// Kids it holds that are revoked: tokens they signed must be refused, and a verifier that
    /// still holds them may not know yet.
    public var revokedKidsHeld: [String]
    /// Published kids it does not hold yet (it will fetch them on first use).
    public var missingKids: [String]

    /// `record` at `now`, given the feed events after its position (`unapplied`: how many,
    /// and when the first of them happened) and the signing keys.
    public init(_ record: VerifierRecord, now: Double, unapplied: (count: Int, firstAt: Double?)?, keys: [SigningKeyState]) {
        self.record = record
        liveness = VerifierRegistry.liveness(record, now: now)
        if record.feedSequence != nil, let unapplied {
            eventsBehind = Int64(unapplied.count)
            secondsBehind = unapplied.firstAt.map { max(now - $0, 0) } ?? 0
        }
        let revoked = Set(keys.filter { $0.state == .revoked }.map(\.kid))
        revokedKidsHeld = record.kids.filter { revoked.contains($0) }
        let held = Set(record.kids)
        missingKids = keys.filter { $0.state.isPublished && !held.contains($0.kid) }.map(\.kid)
    }

    /// Every recorded instance of `store` not yet hidden, judged at `now`, most recent first.
    /// Reads the feed once per distinct position (at most `limit` events counted behind).
    public static func all(in store: any SessionStore, now: Double, limit: Int = 10_000) throws(StoreError) -> [VerifierStatus] {
        let records = try store.verifiers().filter { VerifierRegistry.liveness($0, now: now) != .hidden }
        let keys = try store.signingKeyStates()
        var behind: [Int64: (count: Int, firstAt: Double?)] = [:]
        for position in Set(records.compactMap(\.feedSequence)) {
            let events = try store.revocations(after: position, limit: limit)
            behind[position] = (events.count, events.first?.at)
        }
        return records.map { record in
            VerifierStatus(record, now: now, unapplied: record.feedSequence.flatMap { behind[$0] }, keys: keys)
        }
    }

    /// True when it has applied everything up to `sequence` and, when `kid` is given, no
    /// longer holds that key — as the verifier reported.
    public func hasApplied(_ sequence: Int64, droppingKid kid: String? = nil) -> Bool {
        guard let position = record.feedSequence, position >= sequence else { return false }
        guard let kid else { return true }
        return !record.kids.contains(kid)
    }
}

extension VerifierStatus {
    /// The status as `sessionctl services list --json` prints it.
    public var json: JSONObject {
        var object = JSONObject([
            "service": .string(record.service), "instance": .string(record.instance), "state": .string(liveness.rawValue),
            "identity": .string(record.client == nil ? "reported" : "verified"), "version": .string(record.version),
            "address": .string(record.address), "kids": .array(record.kids.map { .string($0) }),
            "revoked_kids_held": .array(revokedKidsHeld.map { .string($0) }), "missing_kids": .array(missingKids.map { .string($0) }),
            "first_seen": .string(Timestamp.rfc3339(record.firstSeen)), "last_seen": .string(Timestamp.rfc3339(record.lastSeen)),
        ])
        object["client"] = record.client.map { .string($0) } ?? .null
        object["feed_seq"] = record.feedSequence.map { .number(JSONNumber(Int($0))) } ?? .null
        object["events_behind"] = eventsBehind.map { .number(JSONNumber(Int($0))) } ?? .null
        object["seconds_behind"] = secondsBehind.map { .number(JSONNumber($0.rounded())) } ?? .null
        return object
    }

    /// "12 events, 3 s" / "up to date" / "no feed".
    public var lagText: String {
        guard let eventsBehind else { return "no feed" }
        if eventsBehind == 0 { return "up to date" }
        return "\(eventsBehind) event\(eventsBehind == 1 ? "" : "s"), \(Timestamp.duration(secondsBehind ?? 0)) behind"
    }

    /// "2 held" / "2 held, REVOKED k1 held" / "1 held, 1 not yet".
    public var keysText: String {
        var parts = ["\(record.kids.count) held"]
        if !revokedKidsHeld.isEmpty { parts.append("REVOKED \(revokedKidsHeld.joined(separator: ",")) held") }
        if !missingKids.isEmpty { parts.append("\(missingKids.count) not yet") }
        return parts.joined(separator: ", ")
    }
}
