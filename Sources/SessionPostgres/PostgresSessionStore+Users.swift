import JOSE
public import SessionCore

extension PostgresSessionStore {
    public func addUser(_ user: UserRecord, audit: AuditContext) throws(StoreError) {
        try write { db in
            if try db.query("SELECT 1 FROM users WHERE lower(name) = lower($1)", [.text(user.name)]).rowCount > 0 {
                throw StoreError.refused("user \(user.name) already exists")
            }
            try db.query(
                "INSERT INTO users (name, password_hash, created_at, disabled, not_before) VALUES ($1, $2, $3, $4, $5)",
                [.text(user.name), .text(user.passwordHash), .double(user.createdAt), .bool(user.disabled), user.notBefore.map { .double($0) } ?? .null])
            try insertAudit(db, AuditEntry(at: audit.at, actor: audit.actor, action: .userAdd, target: user.name, reason: audit.reason))
        }
    }

    public func user(named name: String) throws(StoreError) -> UserRecord? {
        try read { db in
            let hash = readsSecrets ? "password_hash" : "'!'"
            let result = try db.query(
                "SELECT name, \(hash), created_at, disabled, not_before FROM users WHERE lower(name) = lower($1)", [.text(name)])
            guard result.rowCount > 0 else { return nil }
            return UserRecord(
                name: result.text(0, 0), passwordHash: result.text(0, 1), createdAt: result.double(0, 2), disabled: result.bool(0, 3),
                notBefore: result.optionalDouble(0, 4))
        }
    }

    public func setUserDisabled(_ name: String, disabled: Bool, audit: AuditContext) throws(StoreError) {
        try write { db in
            guard try db.query("UPDATE users SET disabled = $1 WHERE lower(name) = lower($2)", [.bool(disabled), .text(name)]).changed == 1 else {
                throw StoreError.notFound("no user \(name)")
            }
            try insertAudit(db, AuditEntry(at: audit.at, actor: audit.actor, action: .userDisabled(disabled), target: name, reason: audit.reason))
        }
    }

    @discardableResult
    public func revokeUser(_ name: String, audit: AuditContext) throws(StoreError) -> Int {
        try write { db in
            let hasUser = try db.query("SELECT 1 FROM users WHERE lower(name) = lower($1) FOR UPDATE", [.text(name)]).rowCount > 0
            let hasSessions =
                try db.query("SELECT 1 FROM sessions WHERE lower(user_name) COLLATE \"C\" = lower($1) COLLATE \"C\" LIMIT 1", [.text(name)]).rowCount > 0
            guard hasUser || hasSessions else { throw StoreError.notFound("no user \(name)") }
            if hasUser {
                try db.query("UPDATE users SET not_before = $1 WHERE lower(name) = lower($2)", [.double(audit.at), .text(name)])
            } else {
                // Sessions without a user row (imported data): record the cutoff anyway.
                try db.query(
                    "INSERT INTO users (name, password_hash, created_at, disabled, not_before) VALUES ($1, '!', $2, true, $2)",
                    [.text(name), .double(audit.at)])
            }
            let count = try db.query(
                """
                UPDATE sessions SET revoked_at = $1, revoke_reason = $2, revoked_by = $3
                WHERE lower(user_name) COLLATE "C" = lower($4) COLLATE "C" AND revoked_at IS NULL AND expires_at > $1 AND idle_expires_at > $1
                """, [.double(audit.at), .text(audit.reason), .text(audit.actor), .text(name)]
            ).changed
            try insertRevocation(db, kind: .user, target: name, at: audit.at, expiresAt: lifetimes.horizon(after: audit.at))
            try insertAudit(
                db,
                AuditEntry(
                    at: audit.at, actor: audit.actor, action: .userRevoke, target: name, reason: audit.reason,
                    detail:
                        "\(count) active session\(count == 1 ? "" : "s") revoked; tokens issued before \(Timestamp.rfc3339(audit.at)) refused"))
            return count
        }
    }

    // MARK: Login attempts

    public func reserveLoginAttempt(user: String, address: String, limits: LoginLimits, at now: Double) throws(StoreError) -> LoginReservation {
        let user = user.lowercased()
        let start = limits.windowStart(now: now)
        let pending = limits.pendingStart(now: now)
        return try write { db in
            // The user's and the address's locks, always in that order, held to commit: the
            // count and the insert are one step for every instance on the database.
            try db.query("SELECT pg_advisory_xact_lock(hashtextextended('login-user:' || $1, 0))", [.text(user)])
            try db.query("SELECT pg_advisory_xact_lock(hashtextextended('login-address:' || $1, 0))", [.text(address)])
            func count(_ sql: String, _ key: String) throws -> LoginLimits.Count {
                let result = try db.query(sql, [.text(key), .double(start), .double(pending)])
                return LoginLimits.Count(attempts: result.int(0, 0), oldest: result.optionalDouble(0, 1))
            }
            let byUser = try count(
                "SELECT COUNT(*), MIN(at) FROM login_attempts WHERE user_name = $1 AND at > $2 AND counts_for_user AND (outcome = 'failed' OR at > $3)", user)
            let byAddress = try count(
                "SELECT COUNT(*), MIN(at) FROM login_attempts WHERE address = $1 AND at > $2 AND (outcome = 'failed' OR at > $3)", address)
            if let wait = limits.retryAfter(user: byUser, address: byAddress, now: now) { return .refused(retryAfter: wait) }
            let id = try db.query(
                "INSERT INTO login_attempts (user_name, address, at) VALUES ($1, $2, $3) RETURNING id", [.text(user), .text(address), .double(now)]
            ).int64(0, 0)
            return .reserved(id: id)
        }
    }

    public func settleLoginAttempt(id: Int64, outcome: LoginAttemptOutcome) throws(StoreError) {
        try write { db in
            switch outcome {
            case .failed:
                try db.query("UPDATE login_attempts SET outcome = 'failed' WHERE id = $1", [.int(id)])
            case .abandoned:
                try db.query("DELETE FROM login_attempts WHERE id = $1", [.int(id)])
            case .succeeded:
                let result = try db.query("DELETE FROM login_attempts WHERE id = $1 RETURNING user_name", [.int(id)])
                guard result.rowCount == 1 else { return }
                try db.query(
                    "UPDATE login_attempts SET counts_for_user = false WHERE user_name = $1 AND outcome = 'failed'", [.text(result.text(0, 0))])
            }
        }
    }

    public func pruneLoginAttempts(before: Double) throws(StoreError) -> Int {
        try write { db in try db.query("DELETE FROM login_attempts WHERE at < $1", [.double(before)]).changed }
    }

    // MARK: Clients

    public func addClient(_ client: ClientRecord, audit: AuditContext) throws(StoreError) {
        try write { db in
            if try db.query("SELECT 1 FROM clients WHERE id = $1", [.text(client.id)]).rowCount > 0 {
                throw StoreError.refused("client \(client.id) already exists")
            }
            try db.query(
                "INSERT INTO clients (id, secret_hash, created_at) VALUES ($1, $2, $3)",
                [.text(client.id), .text(client.secretHash), .double(client.createdAt)])
            try insertAudit(db, AuditEntry(at: audit.at, actor: audit.actor, action: .clientAdd, target: client.id, reason: audit.reason))
        }
    }

    public func client(id: String) throws(StoreError) -> ClientRecord? {
        try read { db in try Self.clients(db.query("SELECT id, \(secretColumn), created_at FROM clients WHERE id = $1", [.text(id)])).first }
    }

    public func clients() throws(StoreError) -> [ClientRecord] {
        try read { db in try Self.clients(db.query("SELECT id, \(secretColumn), created_at FROM clients ORDER BY id")) }
    }

    private var secretColumn: String { readsSecrets ? "secret_hash" : "''" }

    private static func clients(_ result: PGResult) -> [ClientRecord] {
        result.map { row in ClientRecord(id: result.text(row, 0), secretHash: result.text(row, 1), createdAt: result.double(row, 2)) }
    }
}
