/// What presenting a refresh token did.
public enum RefreshOutcome: Sendable, Equatable {
    /// The token was live: it is now spent and `successorHash` is the family's live token.
    case rotated(SessionRecord)
    /// The token was spent moments ago (within the grace window): the same successor
    /// stands; the caller re-derives and returns it. No new branch is made.
    case replayedWithinGrace(SessionRecord)
    /// A spent token came back after the grace window: the session is now revoked and a
    /// `refresh_reuse` audit event names it.
    case reuseDetected(SessionRecord)
    /// The session is revoked or expired; nothing changed.
    case sessionEnded(SessionRecord, SessionState)
    /// No such token.
    case unknownToken
}

/// The pure decision for a refresh family when one of its tokens is presented, shared by
/// every store so they agree: rotate, replay within grace, revoke the family, or nothing.
public enum RefreshFamily {
    /// What to do with `token` of `session` presented at `now`.
    public static func decide(token: RefreshTokenRecord, session: SessionRecord, now: Double, policy: RefreshPolicy) -> Action {
        let state = session.state(at: now)
        if let spentAt = token.spentAt {
            if state == .active, policy.reuseGrace > 0, now - spentAt <= policy.reuseGrace { return .replay }
            return state == .revoked ? .ended(state) : .revokeFamily
        }
        if state != .active { return .ended(state) }
        return .rotate
    }

    /// The decision.
    public enum Action: Sendable, Equatable {
        case rotate, replay, revokeFamily
        case ended(SessionState)
    }
}

/// One refresh-token presentation, for `SessionStore.rotateRefreshTokens`.
public struct RefreshPresentation: Sendable {
    public var presentedHash: [UInt8]
    public var successorHash: [UInt8]
    public var ip: String
    public var at: Double
    public var policy: RefreshPolicy

    public init(presentedHash: [UInt8], successorHash: [UInt8], ip: String, at: Double, policy: RefreshPolicy) {
        self.presentedHash = presentedHash
        self.successorHash = successorHash
        self.ip = ip
        self.at = at
        self.policy = policy
    }
}
