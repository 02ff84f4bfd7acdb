/// The revocation feed applied in memory: what a verifier consults on every token.
///
/// Guarantees: an event is in force from the moment it is applied until its `expiresAt`
/// (after which no token it could affect is alive); applying the same event twice is
/// harmless; user names compare case-insensitively, as the store compares them.
public struct RevocationDenylist: Sendable {
    private var sessions: [String: Double] = [:]
    private var tokenIDs: [String: Double] = [:]
    /// Lower-cased user → (cutoff, expiresAt).
    private var userCutoffs: [String: (cutoff: Double, expiresAt: Double)] = [:]
    private var keys: [String: Double] = [:]
    /// The highest sequence number applied.
    public private(set) var sequence: Int64 = 0
    /// Changes whenever an entry is added: a token found unrevoked in one generation is
    /// unrevoked in it for good, so callers may cache the answer per generation.
    public private(set) var generation: UInt64 = 0

    public init() {}

    /// How many entries are in force.
    public var count: Int { sessions.count + tokenIDs.count + userCutoffs.count + keys.count }

    /// Applies one feed event.
    public mutating func apply(_ event: RevocationEvent) {
        switch event.kind {
        case .session: sessions[event.target] = max(sessions[event.target] ?? 0, event.expiresAt)
        case .jti: tokenIDs[event.target] = max(tokenIDs[event.target] ?? 0, event.expiresAt)
        case .key: keys[event.target] = max(keys[event.target] ?? 0, event.expiresAt)
        case .user:
            let user = event.target.lowercased()
            let previous = userCutoffs[user]
            userCutoffs[user] = (max(previous?.cutoff ?? 0, event.at), max(previous?.expiresAt ?? 0, event.expiresAt))
        }
        sequence = max(sequence, event.sequence)
        generation &+= 1
    }

    /// Drops entries that can no longer affect a live token at `now`.
    public mutating func prune(now: Double) {
        sessions = sessions.filter { $0.value > now }
        tokenIDs = tokenIDs.filter { $0.value > now }
        keys = keys.filter { $0.value > now }
        userCutoffs = userCutoffs.filter { $0.value.expiresAt > now }
    }

    /// Why a token with these claims is revoked, or nil; the strongest reason first, as
    /// the stores answer.
    public func verdict(sessionID: String?, tokenID: String?, user: String?, issuedAt: Double?, kid: String?) -> RevocationVerdict? {
        if let kid, !keys.isEmpty, keys[kid] != nil { return .key(kid) }
        if let user, !userCutoffs.isEmpty, let entry = userCutoffs[user.lowercased()],
            UserCutoff.revokes(issuedAt: issuedAt, cutoff: entry.cutoff)
        {
            return .userCutoff(user, entry.cutoff)
        }
        if let sessionID, !sessions.isEmpty, sessions[sessionID] != nil { return .session(sessionID) }
        if let tokenID, !tokenIDs.isEmpty, tokenIDs[tokenID] != nil { return .tokenID(tokenID) }
        return nil
    }
}
