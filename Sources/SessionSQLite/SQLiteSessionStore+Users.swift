public import SessionCore
public import JOSE

extension SQLiteSessionStore {
    public func addUser(_ user: UserRecord, audit: AuditContext) throws(StoreError) {
        try write { db in
            if try db.scalarInt("SELECT COUNT(*) FROM users WHERE name = ?", [.text(user.name)]) > 0 {
                throw StoreError.refused("user \(user.name) already exists")
            }
            try db.run(
                "INSERT INTO users (name, password_hash, created_at, disabled, not_before) VALUES (?, ?, ?, ?, ?)",
                [
                    .text(user.name), .text(user.passwordHash), .real(user.createdAt), .integer(user.disabled ? 1 : 0),
                    user.notBefore.map { .real($0) } ?? .null,
                ])
            try insertAudit(db, AuditEntry(at: audit.at, actor: audit.actor, action: .userAdd, target: user.name, reason: audit.reason))
        }
    }

    public func user(named name: String) throws(StoreError) -> UserRecord? {
        try withConnection { db in
            try db.query("SELECT name, password_hash, created_at, disabled, not_before FROM users WHERE name = ?", [.text(name)]) { row in
                UserRecord(
                    name: row.text(0), passwordHash: row.text(1), createdAt: row.double(2), disabled: row.int(3) != 0,
                    notBefore: row.optionalDouble(4))
            }.first
        }
    }

    public func setUserDisabled(_ name: String, disabled: Bool, audit: AuditContext) throws(StoreError) {
        try write { db in
            try db.run("UPDATE users SET disabled = ? WHERE name = ?", [.integer(disabled ? 1 : 0), .text(name)])
            guard db.changes == 1 else { throw StoreError.notFound("no user \(name)") }
            try insertAudit(
                db,
                AuditEntry(
                    at: audit.at, actor: audit.actor, action: .userDisabled(disabled),
                    target: name, reason: audit.reason))
        }
    }

    @discardableResult
    public func revokeUser(_ name: String, audit: AuditContext) throws(StoreError) -> Int {
        try write { db in
            let hasUser = try db.scalarInt("SELECT COUNT(*) FROM users WHERE name = ?", [.text(name)]) > 0
            let hasSessions = try db.scalarInt("SELECT COUNT(*) FROM sessions WHERE user = ? COLLATE NOCASE", [.text(name)]) > 0
            guard hasUser || hasSessions else { throw StoreError.notFound("no user \(name)") }
            if hasUser {
                try db.run("UPDATE users SET not_before = ? WHERE name = ?", [.real(audit.at), .text(name)])
            } else {
                // Sessions without a user row (imported data): record the cutoff anyway.
                try db.run(
                    "INSERT INTO users (name, password_hash, created_at, disabled, not_before) VALUES (?, '!', ?, 1, ?)",
                    [.text(name), .real(audit.at), .real(audit.at)])
            }
            try db.run(
                """
                UPDATE sessions SET revoked_at = ?, revoke_reason = ?, revoked_by = ?
                WHERE user = ? COLLATE NOCASE AND revoked_at IS NULL AND expires_at > ? AND idle_expires_at > ?
                """, [.real(audit.at), .text(audit.reason), .text(audit.actor), .text(name), .real(audit.at), .real(audit.at)])
            let count = db.changes
            try insertRevocation(db, kind: .user, target: name, at: audit.at, expiresAt: lifetimes.horizon(after: audit.at))
            try insertAudit(
                db,
                AuditEntry(
                    at: audit.at, actor: audit.actor, action: .userRevoke, target: name, reason: audit.reason,
                    detail: "\(count) active session\(count == 1 ? "" : "s") revoked; tokens issued before \(Timestamp.rfc3339(audit.at)) refused"))
            return count
        }
    }
}
