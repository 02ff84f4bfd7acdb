/// A user who can log in.
public struct UserRecord: Sendable, Equatable {
    public var name: String
    /// `PasswordHasher`'s stored form; never printed.
    public var passwordHash: String
    public var createdAt: Double
    public var disabled: Bool
    /// Tokens issued to the user before this time are revoked (the user cutoff).
    public var notBefore: Double?

    public init(name: String, passwordHash: String, createdAt: Double, disabled: Bool = false, notBefore: Double? = nil) {
        self.name = name
        self.passwordHash = passwordHash
        self.createdAt = createdAt
        self.disabled = disabled
        self.notBefore = notBefore
    }
}
