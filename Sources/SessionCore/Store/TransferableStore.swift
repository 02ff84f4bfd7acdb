/// How many of each kind of row a store holds: what a copy moves, and checks at the end.
public struct StoreCounts: Sendable, Equatable, CustomStringConvertible {
    public var users = 0
    public var sessions = 0
    public var refreshTokens = 0
    public var clients = 0
    public var signingKeys = 0
    public var revocations = 0
    public var auditEntries = 0

    public init() {}

    public var isEmpty: Bool { self == StoreCounts() }

    public var description: String {
        "\(users) users, \(sessions) sessions, \(refreshTokens) refresh tokens, \(clients) clients, \(signingKeys) signing keys, "
            + "\(revocations) revocation events, \(auditEntries) audit entries"
    }
}

/// A store whose whole content can be read out and written into another, as it is: the
/// revocation feed keeps its sequence numbers (so a verifier following it does not notice a
/// move), the audit log its ids, the signing keys their states and sealed private halves
/// (the target must use the same key-encryption key), the users their password hashes.
public protocol TransferableStore: SessionStore {
    func counts() throws(StoreError) -> StoreCounts
    /// Every user.
    func exportUsers() throws(StoreError) -> [UserRecord]
    /// Sessions with their refresh families, in id order, after `id`.
    func exportSessions(after id: String?, limit: Int) throws(StoreError) -> [ImportedSession]
    /// Audit entries in id order, after `id`.
    func exportAudit(after id: Int64, limit: Int) throws(StoreError) -> [AuditEntry]
    /// Writes users as they are (one transaction, no audit entry of its own).
    func importUsers(_ users: [UserRecord]) throws(StoreError)
    /// Writes clients as they are.
    func importClients(_ clients: [ClientRecord]) throws(StoreError)
    /// Writes signing keys as they are: states, times and sealed private halves.
    func importSigningKeys(_ keys: [SigningKeyRecord]) throws(StoreError)
    /// Writes feed events with their sequence numbers; the next event written gets a higher one.
    func importRevocations(_ events: [RevocationEvent]) throws(StoreError)
    /// Writes audit entries with their ids.
    func importAudit(_ entries: [AuditEntry]) throws(StoreError)
}
