import JOSE

/// What a revocation targets, strongest first.
public enum RevocationKind: String, Sendable, CaseIterable {
    /// A signing key (`kid`): every token it signed.
    case key
    /// A user's not-before cutoff: every token issued to the user before `at`.
    case user
    /// A session (`sid`): every token of the session.
    case session
    /// One access token (`jti`).
    case jti
}

/// One entry of the revocation feed. Sequence numbers strictly increase and are never
/// reused; an event is kept until no token it could affect is still alive (`expiresAt`).
public struct RevocationEvent: Sendable, Equatable {
    public var sequence: Int64
    public var kind: RevocationKind
    public var target: String
    public var at: Double
    public var expiresAt: Double

    public init(sequence: Int64, kind: RevocationKind, target: String, at: Double, expiresAt: Double) {
        self.sequence = sequence
        self.kind = kind
        self.target = target
        self.at = at
        self.expiresAt = expiresAt
    }

    /// `{"seq":N,"kind":"…","id":"…","at":"RFC 3339","expires_at":"RFC 3339"}`, as the
    /// feed serves it; `expires_at` tells a follower when it may forget the event.
    public var json: JSONObject {
        JSONObject([
            "seq": .number(JSONNumber(Int(sequence))), "kind": .string(kind.rawValue), "id": .string(target),
            "at": .string(Timestamp.rfc3339(at)), "expires_at": .string(Timestamp.rfc3339(expiresAt)),
        ])
    }

    /// Reads one feed event; nil when a member is missing or malformed. A missing
    /// `expires_at` (an older server) keeps the event for `defaultRetention` seconds.
    public init?(json object: JSONObject, defaultRetention: Double = 3_600) {
        guard case .number(let seq)? = object["seq"], let sequence = Int64(exactly: seq.value), sequence > 0,
            case .string(let kindName)? = object["kind"], let kind = RevocationKind(rawValue: kindName),
            case .string(let target)? = object["id"], !target.isEmpty,
            case .string(let atText)? = object["at"], let at = Timestamp.parseRFC3339(atText)
        else { return nil }
        var expiresAt = at + defaultRetention
        if case .string(let text)? = object["expires_at"] {
            guard let parsed = Timestamp.parseRFC3339(text) else { return nil }
            expiresAt = parsed
        }
        self.init(sequence: sequence, kind: kind, target: target, at: at, expiresAt: expiresAt)
    }
}
