import SessionCore

/// The whole store out and in, for `store copy` and its tests.
extension InMemorySessionStore: TransferableStore {
    public func counts() throws(StoreError) -> StoreCounts {
        try locked {
            var counts = StoreCounts()
            counts.users = users.count
            counts.sessions = sessionsByID.count
            counts.refreshTokens = tokens.count
            counts.clients = clientsByID.count
            counts.signingKeys = keys.count
            counts.revocations = revocationLog.count
            counts.auditEntries = audit.count
            return counts
        }
    }

    public func exportUsers() throws(StoreError) -> [UserRecord] {
        try locked { users.values.sorted { $0.name < $1.name } }
    }

    public func exportSessions(after id: String?, limit: Int) throws(StoreError) -> [ImportedSession] {
        try locked {
            sessionsByID.keys.filter { $0 > (id ?? "") }.sorted().prefix(limit).map { id in
                ImportedSession(session: sessionsByID[id]!, family: (tokenOrder[id] ?? []).compactMap { tokens[$0] })
            }
        }
    }

    public func exportAudit(after id: Int64, limit: Int) throws(StoreError) -> [AuditEntry] {
        try locked { Array(audit.filter { $0.id > id }.prefix(limit)) }
    }

    public func importUsers(_ imported: [UserRecord]) throws(StoreError) {
        try locked { for user in imported { users[user.name.lowercased()] = user } }
    }

    public func importClients(_ imported: [ClientRecord]) throws(StoreError) {
        try locked { for client in imported { clientsByID[client.id] = client } }
    }

    public func importSigningKeys(_ imported: [SigningKeyRecord]) throws(StoreError) {
        try locked { () throws(StoreError) in for key in imported { try insert(key) } }
    }

    public func importRevocations(_ events: [RevocationEvent]) throws(StoreError) {
        try locked {
            revocationLog += events
            nextSequence = max(nextSequence, (events.map(\.sequence).max() ?? 0) + 1)
        }
    }

    public func importAudit(_ entries: [AuditEntry]) throws(StoreError) {
        try locked { audit += entries }
    }
}
