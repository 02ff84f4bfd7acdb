/// What can happen to the signing keys.
public enum KeyAction: Sendable, Equatable {
    /// A new key joins: `active` when there is none, else `next` (published, not signing).
    case add
    /// As `add`, but only when no key is in the given state (`active` or `next`): what
    /// several instances starting together may all ask for, and only one gets.
    case ensure(KeyState)
    /// The oldest `next` key (else a fresh one) becomes active; the active key starts retiring.
    case rotate
    /// A `next` or `retiring` key retires now.
    case retire(String)
    /// A key is revoked: out of the JWKS at once, with a `key` event in the revocation feed.
    /// Revoking the active key activates the oldest `next` key (else a fresh one).
    case revoke(String)
    /// Every retiring key past its horizon retires (housekeeping).
    case autoRetire
}

/// What the lifecycle needs to know of one key.
public struct KeyStatus: Sendable, Equatable {
    public var kid: String
    public var state: KeyState
    public var createdAt: Double
    /// When it left `active` (its last signing time), for a retiring key.
    public var retiringAt: Double?

    public init(kid: String, state: KeyState, createdAt: Double, retiringAt: Double? = nil) {
        self.kid = kid
        self.state = state
        self.createdAt = createdAt
        self.retiringAt = retiringAt
    }

    public init(_ record: SigningKeyRecord) {
        self.init(kid: record.kid, state: record.state, createdAt: record.createdAt, retiringAt: record.retiringAt)
    }
}

/// A key the decision refers to: one the store holds, or the fresh one the caller supplies.
public enum KeyReference: Sendable, Equatable {
    case existing(String)
    case fresh

    /// The kid, given the fresh key's.
    public func kid(fresh: String?) -> String {
        switch self {
        case .existing(let kid): kid
        case .fresh: fresh ?? "?"
        }
    }
}

/// What an action does to the key ring: a store persists exactly this, in one transaction.
public struct KeyLifecycleDecision: Sendable, Equatable {
    /// One key's move, made at the decision's time.
    public struct Transition: Sendable, Equatable {
        public var key: KeyReference
        public var from: KeyState?
        public var to: KeyState
    }

    /// The moves, in order. A transition of `.fresh` (from nil) inserts the fresh key.
    public var transitions: [Transition]
    /// The key that gets a `key` event in the revocation feed.
    public var revokedKid: String?
    /// The action, for the audit entries.
    public var action: KeyAction

    /// True when the decision inserts a fresh key, which the caller must supply.
    public var needsFreshKey: Bool { transitions.contains { $0.key == .fresh } }

    /// The key that signs after the decision, when it changes.
    public var newActive: KeyReference? { transitions.first { $0.to == .active }?.key }

    /// The audit entries the decision writes: one for the act, or one per retired key for
    /// housekeeping.
    public func auditEntries(_ context: AuditContext, fresh: SigningKeyRecord?) -> [AuditEntry] {
        let freshKid = fresh?.kid
        func entry(_ action: AuditAction, _ target: String, _ detail: String = "") -> AuditEntry {
            AuditEntry(at: context.at, actor: context.actor, action: action, target: target, reason: context.reason, detail: detail)
        }
        switch action {
        case .add, .ensure:
            guard let state = transitions.first(where: { $0.key == .fresh })?.to else { return [] }
            return [entry(.keyAdd, freshKid ?? "?", "\(fresh?.algorithm ?? "?"), \(state.rawValue)")]
        case .rotate:
            let old = transitions.first { $0.to == .retiring }.map { $0.key.kid(fresh: freshKid) }
            return [entry(.keyRotate, newActive?.kid(fresh: freshKid) ?? "?", old.map { "\($0) now retiring" } ?? "first active key")]
        case .retire(let kid):
            return [entry(.keyRetire, kid)]
        case .revoke(let kid):
            let was = transitions.first { $0.key == .existing(kid) }?.from ?? .revoked
            let detail = was == .active ? "was active; \(newActive?.kid(fresh: freshKid) ?? "?") now signs" : "was \(was.rawValue)"
            return [entry(.keyRevoke, kid, detail)]
        case .autoRetire:
            return transitions.map { transition in
                AuditEntry(
                    at: context.at, actor: "system", action: .keyRetire, target: transition.key.kid(fresh: nil),
                    reason: "no token it signed can still be alive")
            }
        }
    }
}

/// The pure key lifecycle: `next → active → retiring → retired`, or `revoked`; exactly one
/// active key once there is any. Every store applies these decisions, so a store only
/// persists what `decide` says; callers generate a fresh key only when the decision needs
/// one (`needsFreshKey`).
public enum KeyLifecycle {
    /// What `action` does to `keys` at `now`, or why it is refused (`.notFound` for an
    /// unknown kid, `.refused` for an action the key's state does not allow).
    public static func decide(_ action: KeyAction, keys: [KeyStatus], at now: Double, lifetimes: TokenLifetimes) throws(StoreError) -> KeyLifecycleDecision {
        let active = keys.first { $0.state == .active }
        /// The oldest `next` key, else a fresh one, becomes active.
        func successor() -> KeyLifecycleDecision.Transition {
            let waiting = keys.filter { $0.state == .next }.min { ($0.createdAt, $0.kid) < ($1.createdAt, $1.kid) }
            return waiting.map { .init(key: .existing($0.kid), from: .next, to: .active) } ?? .init(key: .fresh, from: nil, to: .active)
        }
        func state(of kid: String) throws(StoreError) -> KeyState {
            guard let key = keys.first(where: { $0.kid == kid }) else { throw .notFound("no signing key \(kid)") }
            return key.state
        }
        switch action {
        case .add:
            return KeyLifecycleDecision(
                transitions: [.init(key: .fresh, from: nil, to: active == nil ? .active : .next)],
                revokedKid: nil, action: action)
        case .ensure(let state):
            if keys.contains(where: { $0.state == state }) { return KeyLifecycleDecision(transitions: [], revokedKid: nil, action: action) }
            return KeyLifecycleDecision(
                transitions: [.init(key: .fresh, from: nil, to: active == nil ? .active : .next)],
                revokedKid: nil, action: action)
        case .rotate:
            var transitions: [KeyLifecycleDecision.Transition] = []
            if let active { transitions.append(.init(key: .existing(active.kid), from: .active, to: .retiring)) }
            transitions.append(successor())
            return KeyLifecycleDecision(transitions: transitions, revokedKid: nil, action: action)
        case .retire(let kid):
            switch try state(of: kid) {
            case .active: throw .refused("key \(kid) is active: rotate to another key first")
            case .retired: throw .refused("key \(kid) is already retired")
            case .revoked: throw .refused("key \(kid) is revoked")
            case let state:
                return KeyLifecycleDecision(transitions: [.init(key: .existing(kid), from: state, to: .retired)], revokedKid: nil, action: action)
            }
        case .revoke(let kid):
            let state = try state(of: kid)
            if state == .revoked { throw .refused("key \(kid) is already revoked") }
            var transitions = [KeyLifecycleDecision.Transition(key: .existing(kid), from: state, to: .revoked)]
            if state == .active { transitions.append(successor()) }
            return KeyLifecycleDecision(transitions: transitions, revokedKid: kid, action: action)
        case .autoRetire:
            let due = keys.filter { key in
                guard key.state == .retiring, let retiringAt = key.retiringAt else { return false }
                return retiresAt(retiringAt: retiringAt, lifetimes: lifetimes) <= now
            }
            return KeyLifecycleDecision(
                transitions: due.map { .init(key: .existing($0.kid), from: .retiring, to: .retired) },
                revokedKid: nil, action: action)
        }
    }

    /// When a key that stopped signing at `retiringAt` retires: no token it signed can be
    /// alive after its last signing time plus the longest access-token lifetime and leeway.
    public static func retiresAt(retiringAt: Double, lifetimes: TokenLifetimes) -> Double {
        lifetimes.horizon(after: retiringAt)
    }

    /// The key that signs: the active one.
    public static func signingKid(_ keys: [KeyStatus]) -> String? {
        keys.first { $0.state == .active }?.kid
    }

    /// `keys` after `decision`, the fresh key (when inserted) named `freshKid` and created
    /// at `at`. What a store's rows look like once it has persisted the decision.
    public static func apply(_ decision: KeyLifecycleDecision, to keys: [KeyStatus], freshKid: String, at: Double) -> [KeyStatus] {
        var keys = keys
        for transition in decision.transitions {
            switch transition.key {
            case .fresh:
                keys.append(KeyStatus(kid: freshKid, state: transition.to, createdAt: at))
            case .existing(let kid):
                guard let index = keys.firstIndex(where: { $0.kid == kid }) else { continue }
                keys[index].state = transition.to
                if transition.to == .retiring { keys[index].retiringAt = at }
            }
        }
        return keys
    }
}

/// What `SessionStore.changeSigningKeys` did.
public enum KeyChangeOutcome: Sendable, Equatable {
    /// The decision was persisted; `fresh` is the kid of the key inserted, if one was.
    case applied(KeyLifecycleDecision, fresh: String?)
    /// The decision needs a fresh key and none was supplied: nothing was written; generate
    /// one and try again.
    case needsFreshKey
}

extension SigningKeyRecord {
    /// This record moved to `state` at `at`, with that state's timestamp set.
    public func moved(to state: KeyState, at: Double) -> SigningKeyRecord {
        var record = self
        record.state = state
        switch state {
        case .next: break
        case .active: record.activatedAt = at
        case .retiring: record.retiringAt = at
        case .retired: record.retiredAt = at
        case .revoked: record.revokedAt = at
        }
        return record
    }
}
