/// A compromise to contain: what was stolen, and what containing it does.
public struct Incident: Sendable, Equatable {
    /// What was compromised.
    public enum Target: Sendable, Equatable {
        /// A user's tokens: cutoff plus every session revoked.
        case user(String)
        /// One session: it is revoked.
        case session(String)
        /// A signing key: it is revoked, the next key signs, a fresh one is published as next.
        case key(String)
    }

    public var target: Target
    /// For a user: also disable the account, so a stolen password cannot log in again.
    public var disableUser: Bool
    /// For a key: also revoke every active session used while the key's tokens may be live.
    public var revokeKeySessions: Bool

    public init(_ target: Target, disableUser: Bool = false, revokeKeySessions: Bool = false) {
        self.target = target
        self.disableUser = disableUser
        self.revokeKeySessions = revokeKeySessions
    }

    /// "user alice", "session 3f…", "key kid-1": the audit target and the console's title.
    public var description: String {
        switch target {
        case .user(let name): "user \(name)"
        case .session(let id): "session \(id)"
        case .key(let kid): "key \(kid)"
        }
    }

    /// The feed event that contains it, as (kind, target).
    var event: (kind: RevocationKind, target: String) {
        switch target {
        case .user(let name): (.user, name)
        case .session(let id): (.session, id)
        case .key(let kid): (.key, kid)
        }
    }

    /// The kid verifiers must stop holding, for a key incident.
    public var kid: String? {
        if case .key(let kid) = target { return kid }
        return nil
    }
}
