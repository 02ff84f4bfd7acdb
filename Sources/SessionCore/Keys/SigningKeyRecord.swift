import JOSE

/// A signing key's place in its lifecycle.
public enum KeyState: String, Sendable, CaseIterable {
    /// Published in the JWKS, not yet signing.
    case next
    /// Signs new tokens; exactly one key is active.
    case active
    /// No longer signs; still published until every token it signed has expired.
    case retiring
    /// Out of the JWKS; its tokens have all expired.
    case retired
    /// Compromised: out of the JWKS at once, its tokens refused.
    case revoked

    /// True for the states published in the JWKS.
    public var isPublished: Bool { self == .next || self == .active || self == .retiring }
}

/// A signing key as the store holds it: the public JWK in clear, the private JWK sealed.
public struct SigningKeyRecord: Sendable, Equatable {
    public var kid: String
    public var algorithm: String
    public var state: KeyState
    public var createdAt: Double
    public var activatedAt: Double?
    public var retiringAt: Double?
    public var retiredAt: Double?
    public var revokedAt: Double?
    /// The public JWK (never private members).
    public var publicJWK: JSONObject
    /// The private JWK sealed with AES-256-GCM under the key-encryption key, with the kid
    /// as associated data.
    public var sealedPrivateKey: [UInt8]

    public init(
        kid: String, algorithm: String, state: KeyState, createdAt: Double, activatedAt: Double? = nil,
        retiringAt: Double? = nil, retiredAt: Double? = nil, revokedAt: Double? = nil,
        publicJWK: JSONObject, sealedPrivateKey: [UInt8]
    ) {
        self.kid = kid
        self.algorithm = algorithm
        self.state = state
        self.createdAt = createdAt
        self.activatedAt = activatedAt
        self.retiringAt = retiringAt
        self.retiredAt = retiredAt
        self.revokedAt = revokedAt
        self.publicJWK = publicJWK
        self.sealedPrivateKey = sealedPrivateKey
    }

    /// When a retiring key stops being needed: its last signing time (the moment it left
    /// `active`) plus the longest access-token lifetime plus leeway.
    public func retiresAt(maxTokenLifetime: Double, leeway: Double) -> Double? {
        guard state == .retiring, let retiringAt else { return nil }
        return retiringAt + maxTokenLifetime + leeway
    }

    /// The JSON form `keys list --json` prints. Never includes private material.
    public func json(maxTokenLifetime: Double, leeway: Double) -> JSONObject {
        var object = JSONObject()
        object["kid"] = .string(kid)
        object["alg"] = .string(algorithm)
        object["state"] = .string(state.rawValue)
        object["created_at"] = .string(Timestamp.rfc3339(createdAt))
        if let activatedAt { object["activated_at"] = .string(Timestamp.rfc3339(activatedAt)) }
        if let retiringAt { object["retiring_at"] = .string(Timestamp.rfc3339(retiringAt)) }
        if let at = retiresAt(maxTokenLifetime: maxTokenLifetime, leeway: leeway) { object["retires_at"] = .string(Timestamp.rfc3339(at)) }
        if let retiredAt { object["retired_at"] = .string(Timestamp.rfc3339(retiredAt)) }
        if let revokedAt { object["revoked_at"] = .string(Timestamp.rfc3339(revokedAt)) }
        return object
    }
}

/// A signing key's id and state: enough to notice that the key ring changed.
public struct SigningKeyState: Sendable, Equatable {
    public let kid: String
    public let state: KeyState

    public init(kid: String, state: KeyState) {
        self.kid = kid
        self.state = state
    }
}
