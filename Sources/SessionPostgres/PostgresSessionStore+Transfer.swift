import JOSE
public import SessionCore

extension PostgresSessionStore: TransferableStore {
    public func counts() throws(StoreError) -> StoreCounts {
        try read { db in
            let result = try db.query(
                """
                SELECT (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM sessions), (SELECT COUNT(*) FROM refresh_tokens),
                       (SELECT COUNT(*) FROM clients), (SELECT COUNT(*) FROM signing_keys), (SELECT COUNT(*) FROM revocations),
                       (SELECT COUNT(*) FROM audit)
                """)
            var counts = StoreCounts()
            counts.users = result.int(0, 0)
            counts.sessions = result.int(0, 1)
            counts.refreshTokens = result.int(0, 2)
            counts.clients = result.int(0, 3)
            counts.signingKeys = result.int(0, 4)
            counts.revocations = result.int(0, 5)
            counts.auditEntries = result.int(0, 6)
            return counts
        }
    }

    public func exportUsers() throws(StoreError) -> [UserRecord] {
        try read { db in
            let result = try db.query("SELECT name, password_hash, created_at, disabled, not_before FROM users ORDER BY name")
            return result.map { row in
                UserRecord(
                    name: result.text(row, 0), passwordHash: result.text(row, 1), createdAt: result.double(row, 2), disabled: result.bool(row, 3),
                    notBefore: result.optionalDouble(row, 4))
            }
        }
    }

    public func exportSessions(after id: String?, limit: Int) throws(StoreError) -> [ImportedSession] {
        try read { db in
            let rows = try db.query("SELECT \(Self.sessionColumns) FROM sessions WHERE id > $1 ORDER BY id LIMIT $2", [.text(id ?? ""), .int(Int64(limit))])
            let sessions = rows.map { Self.session(rows, $0) }
            guard let first = sessions.first, let last = sessions.last else { return [] }
            let tokens = try db.query(
                """
                SELECT hash, session_id, parent_hash, issued_at, issued_ip, spent_at, successor_hash, reused_at
                FROM refresh_tokens WHERE session_id >= $1 AND session_id <= $2 ORDER BY issued_at
                """, [.text(first.id), .text(last.id)])
            var families: [String: [RefreshTokenRecord]] = [:]
            for row in 0..<tokens.rowCount {
                let token = Self.refreshToken(tokens, row)
                families[token.sessionID, default: []].append(token)
            }
            return sessions.map { ImportedSession(session: $0, family: families[$0.id] ?? []) }
        }
    }

    public func exportAudit(after id: Int64, limit: Int) throws(StoreError) -> [AuditEntry] {
        try read { db in
            let result = try db.query(
                "SELECT id, at, actor, action, target, reason, detail FROM audit WHERE id > $1 ORDER BY id LIMIT $2", [.int(id), .int(Int64(limit))])
            return result.map { row in
                AuditEntry(
                    id: result.int64(row, 0), at: result.double(row, 1), actor: result.text(row, 2), action: AuditAction(rawValue: result.text(row, 3)),
                    target: result.text(row, 4), reason: result.text(row, 5), detail: result.text(row, 6))
            }
        }
    }

    public func importUsers(_ users: [UserRecord]) throws(StoreError) {
        try write { db in
            for user in users {
                try db.query(
                    "INSERT INTO users (name, password_hash, created_at, disabled, not_before) VALUES ($1, $2, $3, $4, $5)",
                    [.text(user.name), .text(user.passwordHash), .double(user.createdAt), .bool(user.disabled), user.notBefore.map { .double($0) } ?? .null])
            }
        }
    }

    public func importClients(_ clients: [ClientRecord]) throws(StoreError) {
        try write { db in
            for client in clients {
                try db.query(
                    "INSERT INTO clients (id, secret_hash, created_at) VALUES ($1, $2, $3)",
                    [.text(client.id), .text(client.secretHash), .double(client.createdAt)])
            }
        }
    }

    public func importSigningKeys(_ keys: [SigningKeyRecord]) throws(StoreError) {
        try write { db in
            for key in keys {
                try db.query(
                    "INSERT INTO signing_keys (\(Self.keyColumns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                    [
                        .text(key.kid), .text(key.algorithm), .text(key.state.rawValue), .double(key.createdAt),
                        key.activatedAt.map { .double($0) } ?? .null, key.retiringAt.map { .double($0) } ?? .null,
                        key.retiredAt.map { .double($0) } ?? .null, key.revokedAt.map { .double($0) } ?? .null,
                        .text(JSONWriter.string(key.publicJWK)), .bytes(key.sealedPrivateKey),
                    ])
            }
        }
    }

    public func importRevocations(_ events: [RevocationEvent]) throws(StoreError) {
        try write { db in
            try db.query("SELECT pg_advisory_xact_lock($1)", [.int(PostgresSchema.feedLock)])
            for event in events {
                try db.query(
                    "INSERT INTO revocations (seq, kind, target, at, expires_at) VALUES ($1, $2, $3, $4, $5)",
                    [.int(event.sequence), .text(event.kind.rawValue), .text(event.target), .double(event.at), .double(event.expiresAt)])
            }
            // The next event written continues after the highest number copied.
            try db.query("SELECT setval(pg_get_serial_sequence('revocations', 'seq'), (SELECT COALESCE(MAX(seq), 1) FROM revocations))")
        }
    }

    public func importAudit(_ entries: [AuditEntry]) throws(StoreError) {
        try write { db in
            for entry in entries {
                try db.query(
                    "INSERT INTO audit (id, at, actor, action, target, reason, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    [
                        .int(entry.id), .double(entry.at), .text(entry.actor), .text(entry.action.rawValue), .text(entry.target), .text(entry.reason),
                        .text(entry.detail),
                    ])
            }
            try db.query("SELECT setval(pg_get_serial_sequence('audit', 'id'), (SELECT COALESCE(MAX(id), 1) FROM audit))")
        }
    }
}
