import JOSE
public import SessionCore

extension SQLiteSessionStore: TransferableStore {
    public func counts() throws(StoreError) -> StoreCounts {
        try withConnection { db in
            var counts = StoreCounts()
            counts.users = Int(try db.scalarInt("SELECT COUNT(*) FROM users"))
            counts.sessions = Int(try db.scalarInt("SELECT COUNT(*) FROM sessions"))
            counts.refreshTokens = Int(try db.scalarInt("SELECT COUNT(*) FROM refresh_tokens"))
            counts.clients = Int(try db.scalarInt("SELECT COUNT(*) FROM clients"))
            counts.signingKeys = Int(try db.scalarInt("SELECT COUNT(*) FROM signing_keys"))
            counts.revocations = Int(try db.scalarInt("SELECT COUNT(*) FROM revocations"))
            counts.auditEntries = Int(try db.scalarInt("SELECT COUNT(*) FROM audit"))
            return counts
        }
    }

    public func exportUsers() throws(StoreError) -> [UserRecord] {
        try withConnection { db in
            try db.query("SELECT name, password_hash, created_at, disabled, not_before FROM users ORDER BY name") { row in
                UserRecord(
                    name: row.text(0), passwordHash: row.text(1), createdAt: row.double(2), disabled: row.int(3) != 0, notBefore: row.optionalDouble(4))
            }
        }
    }

    public func exportSessions(after id: String?, limit: Int) throws(StoreError) -> [ImportedSession] {
        try withConnection { db in
            let sessions = try db.query(
                "SELECT \(Self.sessionColumns) FROM sessions WHERE id > ? ORDER BY id LIMIT ?", [.text(id ?? ""), .integer(Int64(limit))], Self.session)
            guard let first = sessions.first, let last = sessions.last else { return [] }
            var families: [String: [RefreshTokenRecord]] = [:]
            let tokens = try db.query(
                """
                SELECT hash, session_id, parent_hash, issued_at, issued_ip, spent_at, successor_hash, reused_at
                FROM refresh_tokens WHERE session_id >= ? AND session_id <= ? ORDER BY issued_at
                """, [.text(first.id), .text(last.id)], { Self.refreshToken($0) })
            for token in tokens { families[token.sessionID, default: []].append(token) }
            return sessions.map { ImportedSession(session: $0, family: families[$0.id] ?? []) }
        }
    }

    public func exportAudit(after id: Int64, limit: Int) throws(StoreError) -> [AuditEntry] {
        try withConnection { db in
            try db.query(
                "SELECT id, at, actor, action, target, reason, detail FROM audit WHERE id > ? ORDER BY id LIMIT ?", [.integer(id), .integer(Int64(limit))]
            ) { row in
                AuditEntry(
                    id: row.int64(0), at: row.double(1), actor: row.text(2), action: AuditAction(rawValue: row.text(3)), target: row.text(4),
                    reason: row.text(5), detail: row.text(6))
            }
        }
    }

    public func importUsers(_ users: [UserRecord]) throws(StoreError) {
        try write { db in
            for user in users {
                try db.run(
                    "INSERT INTO users (name, password_hash, created_at, disabled, not_before) VALUES (?, ?, ?, ?, ?)",
                    [
                        .text(user.name), .text(user.passwordHash), .real(user.createdAt), .integer(user.disabled ? 1 : 0),
                        user.notBefore.map { .real($0) } ?? .null,
                    ])
            }
        }
    }

    public func importClients(_ clients: [ClientRecord]) throws(StoreError) {
        try write { db in
            for client in clients {
                try db.run(
                    "INSERT INTO clients (id, secret_hash, created_at) VALUES (?, ?, ?)", [.text(client.id), .text(client.secretHash), .real(client.createdAt)])
            }
        }
    }

    public func importSigningKeys(_ keys: [SigningKeyRecord]) throws(StoreError) {
        try write { db in for key in keys { try insertKey(db, key) } }
    }

    public func importRevocations(_ events: [RevocationEvent]) throws(StoreError) {
        try write { db in
            for event in events {
                try db.run(
                    "INSERT INTO revocations (seq, kind, target, at, expires_at) VALUES (?, ?, ?, ?, ?)",
                    [.integer(event.sequence), .text(event.kind.rawValue), .text(event.target), .real(event.at), .real(event.expiresAt)])
            }
        }
    }

    public func importAudit(_ entries: [AuditEntry]) throws(StoreError) {
        try write { db in
            for entry in entries {
                try db.run(
                    "INSERT INTO audit (id, at, actor, action, target, reason, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [
                        .integer(entry.id), .real(entry.at), .text(entry.actor), .text(entry.action.rawValue), .text(entry.target), .text(entry.reason),
                        .text(entry.detail),
                    ])
            }
        }
    }
}
