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
        case .rotateKey:
            let signer = impact.nextKid.map { "next key \($0.prefix(12))…" } ?? "a new \(impact.freshAlgorithm) key"
            return
                "Rotate: \(signer) signs from now; the active key retires after \(duration(impact.keyHorizon)). \(impact.liveSessions) live sessions keep working?"
        case .retireKey(let kid):
            return "Retire key \(kid.prefix(12))…? It leaves the JWKS; tokens it signed stop verifying."
        case .revokeKey(let kid):
            let consequence =
                impact.keyIsActive
                ? "; a new key signs; access tokens of \(impact.liveSessions) live sessions are refused until they refresh?" : "?"
            return "REVOKE key \(kid.prefix(12))…? It leaves the JWKS now" + consequence
        }
    }

    /// "6 min", "90 s", "2 h".
    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        if whole >= 3_600, whole % 3_600 == 0 { return "\(whole / 3_600) h" }
        if whole >= 60, whole % 60 == 0 { return "\(whole / 60) min" }
        return "\(whole) s"
    }
}
