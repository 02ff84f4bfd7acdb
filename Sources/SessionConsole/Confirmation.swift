import SessionCore

/// The store's facts a confirmation states before a dangerous action runs.
public struct ActionImpact: Sendable, Equatable {
    /// Active sessions the action touches (the user's, or all for a key action).
    public var liveSessions = 0
    /// The `next` key a rotation activates, if one waits.
    public var nextKid: String?
    /// The algorithm of the key generated when none waits.
    public var freshAlgorithm = "ES256"
    /// For a key revocation: whether the key signs now.
    public var keyIsActive = false
    /// How long a retiring key stays published (the longest token lifetime plus leeway).
    public var keyHorizon: Double
    /// For an incident: what it touches.
    public var blastRadius: BlastRadius?
    /// For a bulk revocation: what the filter matches.
    public var bulk: BulkRadius?

    public init(keyHorizon: Double) { self.keyHorizon = keyHorizon }
}

/// The one sentence, ending in a question, that the console shows before an action: built
/// from the pending action and the facts the runner read, never from numbers of its own.
enum Confirmation {
    static func question(_ action: PendingAction, impact: ActionImpact) -> String {
        switch action {
        case .revokeSessions(let ids, let users):
            let who = users.count == 1 ? " of \(users[0])" : users.isEmpty ? "" : " of \(users.count) users"
            return "Revoke \(ids.count) session\(ids.count == 1 ? "" : "s")\(who)? Their refresh tokens stop working and access tokens are refused."
        case .revokeUser(let user):
            let live = impact.liveSessions
            return "Revoke all \(live) active session\(live == 1 ? "" : "s") of \(user), and refuse every token issued to \(user) until now?"
        case .setUserDisabled(let user, let disabled):
            guard disabled else { return "Enable \(user)? They can log in again." }
            let live = impact.liveSessions
            return "Disable \(user)? No new logins; their \(live) active session\(live == 1 ? "" : "s") keep\(live == 1 ? "s" : "") working until revoked (U)."
        case .rotateKey:
            let signer = impact.nextKid.map { "next key \($0.prefix(12))…" } ?? "a new \(impact.freshAlgorithm) key"
            return
                "Rotate: \(signer) signs from now; the active key retires after \(duration(impact.keyHorizon)). \(impact.liveSessions) live sessions keep working?"
        case .retireKey(let kid):
            return "Retire key \(kid.prefix(12))…? It leaves the JWKS; tokens it signed stop verifying."
        case .revokeMatching(_, let criteria, _):
            let radius =
                impact.bulk.map {
                    "\n  matches: \($0.summary)"
                        + ($0.sample.isEmpty ? "" : "\n  e.g. " + $0.sample.prefix(3).map { "\($0.user) \($0.ip)" }.joined(separator: " · "))
                } ?? ""
            return "REVOKE every active session matching \(criteria.isEmpty ? "(no filter: all of them)" : criteria)? In chunks; Esc stops.\(radius)"
        case .incident(let incident):
            // The question, then the blast radius on lines of its own (drawn above the prompt).
            let radius = impact.blastRadius.map(radiusLines) ?? ""
            switch incident.target {
            case .user(let name):
                return "CONTAIN user \(name)? y: cutoff, revoke all · D: and disable the account\(radius)"
            case .session(let id):
                return "CONTAIN session \(id.prefix(16))? y: revoke it\(radius)"
            case .key(let kid):
                return "CONTAIN key \(kid.prefix(16))? y: revoke, next key signs · S: and revoke sessions\(radius)"
            }
        case .revokeKey(let kid):
            let consequence =
                impact.keyIsActive
                ? "; a new key signs; access tokens of \(impact.liveSessions) live sessions are refused until they refresh?" : "?"
            return "REVOKE key \(kid.prefix(12))…? It leaves the JWKS now" + consequence
        }
    }

    /// An incident's blast radius as two lines: what it touches, and who must react.
    static func radiusLines(_ radius: BlastRadius) -> String {
        let users = radius.users.map { " of \($0) user\($0 == 1 ? "" : "s")" } ?? ""
        let touched =
            "\n  touches: \(radius.sessions) session\(radius.sessions == 1 ? "" : "s")\(users); \(radius.liveAccessTokens) may hold live access tokens"
        let reacting =
            radius.services.isEmpty
            ? "\n  must react: no verifier has reported"
            : "\n  must react: \(radius.instances) instance\(radius.instances == 1 ? "" : "s") of \(radius.services.joined(separator: ", "))"
        return touched + reacting
    }

    /// "6 min", "90 s", "2 h".
    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        if whole >= 3_600, whole % 3_600 == 0 { return "\(whole / 3_600) h" }
        if whole >= 60, whole % 60 == 0 { return "\(whole / 60) min" }
        return "\(whole) s"
    }
}
