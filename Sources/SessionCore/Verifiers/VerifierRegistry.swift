/// The rules of the verifier registry, the same for every store and every `sessiond`: when a
/// report is worth a write, how long an instance counts as live, and how many are kept.
public enum VerifierRegistry {
    /// Rows kept at most; past it the longest-silent instances are dropped first.
    public static let capacity = 1_000
    /// An unchanged report is written again at most this often (seconds), so a fleet of
    /// verifiers polling all the time costs the store a write per instance per interval.
    public static let refreshInterval: Double = 5
    /// Silent longer than this (seconds): shown faded, not counted as live.
    public static let silentAfter: Double = 60
    /// Silent longer than this: no longer shown.
    public static let hiddenAfter: Double = 3_600
    /// Silent longer than this: forgotten by housekeeping.
    public static let forgottenAfter: Double = 86_400

    /// How an instance looks at a given time.
    public enum Liveness: String, Sendable, Equatable, CaseIterable {
        case live, silent, hidden
    }

    /// The record to store when `incoming` arrives and `existing` is what is stored (nil:
    /// none), or nil when nothing needs writing. A report older than the stored one is not
    /// written (reports of one instance can reach the store out of order: one waited for
    /// client authentication, or came through another `sessiond`); an unchanged report within
    /// `refreshInterval` is not written; a report without client credentials never replaces
    /// a live verified one (it could be anyone claiming that name); `firstSeen` survives.
    public static func merge(existing: VerifierRecord?, incoming: VerifierRecord) -> VerifierRecord? {
        guard let existing else { return incoming }
        if incoming.lastSeen < existing.lastSeen { return nil }
        if existing.client != nil, incoming.client == nil, liveness(existing, now: incoming.lastSeen) == .live { return nil }
        var merged = incoming
        merged.firstSeen = existing.firstSeen
        let unchanged =
            existing.feedSequence == incoming.feedSequence && existing.kids == incoming.kids && existing.version == incoming.version
            && existing.client == incoming.client && existing.address == incoming.address
        if unchanged, incoming.lastSeen - existing.lastSeen < refreshInterval { return nil }
        return merged
    }

    /// Live, silent or hidden at `now`, by the time since its last report.
    public static func liveness(_ record: VerifierRecord, now: Double) -> Liveness {
        let silence = now - record.lastSeen
        if silence <= silentAfter { return .live }
        return silence <= hiddenAfter ? .silent : .hidden
    }
}
