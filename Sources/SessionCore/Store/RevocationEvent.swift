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

    /// `{"seq":N,"kind":"…","id":"…","at":"RFC 3339"}`, as the feed serves it.
    public var json: JSONObject {
        JSONObject(["seq": .number(JSONNumber(Int(sequence))), "kind": .string(kind.rawValue), "id": .string(target),
                    "at": .string(Timestamp.rfc3339(at))])
    }
}
