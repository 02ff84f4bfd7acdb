/// One refresh token of a session's family, known only by its SHA-256.
public struct RefreshTokenRecord: Sendable, Equatable {
    /// SHA-256 of the token.
    public var hash: [UInt8]
    public var sessionID: String
    /// The token this one replaced; nil for the first of the family.
    public var parentHash: [UInt8]?
    public var issuedAt: Double
    public var issuedIP: String
    /// When it was presented and rotated; nil while it is the live token.
    public var spentAt: Double?
    /// The token it was rotated into.
    public var successorHash: [UInt8]?
    /// When it was presented again after being spent (a reuse).
    public var reusedAt: Double?

    public init(
        hash: [UInt8], sessionID: String, parentHash: [UInt8]?, issuedAt: Double, issuedIP: String,
        spentAt: Double? = nil, successorHash: [UInt8]? = nil, reusedAt: Double? = nil
    ) {
        self.hash = hash
        self.sessionID = sessionID
        self.parentHash = parentHash
        self.issuedAt = issuedAt
        self.issuedIP = issuedIP
        self.spentAt = spentAt
        self.successorHash = successorHash
        self.reusedAt = reusedAt
    }

    /// A short, non-reversible label for people: the first 8 hex digits of the hash.
    public var label: String { hash.prefix(4).hexString }
}
