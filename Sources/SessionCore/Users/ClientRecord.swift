import JOSE

/// A client holding credentials for the OAuth endpoints (RFC 7009 revocation, RFC 7662
/// introspection): usually a service. Only the secret's `PasswordHasher` form is stored.
public struct ClientRecord: Sendable, Equatable {
    public var id: String
    /// `PasswordHasher`'s stored form of the secret; never printed.
    public var secretHash: String
    public var createdAt: Double

    public init(id: String, secretHash: String, createdAt: Double) {
        self.id = id
        self.secretHash = secretHash
        self.createdAt = createdAt
    }

    /// `{"client_id":…,"created_at":…}`: never the secret or its hash.
    public var json: JSONObject {
        JSONObject(["client_id": .string(id), "created_at": .string(Timestamp.rfc3339(createdAt))])
    }
}

/// A refresh token found by its hash, without presenting it.
public struct RefreshTokenOwner: Sendable, Equatable {
    public var session: SessionRecord
    public var token: RefreshTokenRecord

    public init(session: SessionRecord, token: RefreshTokenRecord) {
        self.session = session
        self.token = token
    }
}
