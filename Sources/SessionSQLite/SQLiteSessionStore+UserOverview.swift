public import SessionCore

/// What the user view reads: one user's attempts, session states and audit trail.
extension SQLiteSessionStore {
    public func loginAttempts(user: String, since: Double, limit: Int) throws(StoreError) -> [LoginAttemptRecord] {
        try withConnection { db in
            try db.query(
                "SELECT at, address, outcome, counts_for_user FROM login_attempts WHERE user = ? AND at > ? ORDER BY at DESC, id DESC LIMIT ?",
                [.text(user.lowercased()), .real(since), .integer(Int64(limit))]
            ) { row in
                LoginAttemptRecord(at: row.double(0), address: row.text(1), failed: row.text(2) == "failed", countsForUser: row.int(3) == 1)
            }
        }
    }

    public func sessionStates(user: String, now: Double) throws(StoreError) -> SessionStateCounts {
        try withConnection { db in
            try db.query(
                """
                SELECT COUNT(*), COALESCE(SUM(revoked_at IS NOT NULL), 0),
                  COALESCE(SUM(revoked_at IS NULL AND (expires_at <= ? OR idle_expires_at <= ?)), 0)
                FROM sessions WHERE user = ? COLLATE NOCASE
                """, [.real(now), .real(now), .text(user)]
            ) { row in
                let (total, revoked, expired) = (row.int(0), row.int(1), row.int(2))
                return SessionStateCounts(active: total - revoked - expired, revoked: revoked, expired: expired)
            }.first ?? SessionStateCounts()
        }
    }

    public func auditEntries(about user: String, limit: Int) throws(StoreError) -> [AuditEntry] {
        try withConnection { db in
            // Each arm one walk of audit_by_target; the user's sessions from sessions_by_user_id.
            try db.query(
                """
                SELECT id, at, actor, action, target, reason, detail FROM audit WHERE target IN (?1, 'user ' || ?1)
                UNION ALL
                SELECT id, at, actor, action, target, reason, detail FROM audit
                WHERE target IN (
                  SELECT id FROM sessions WHERE user = ?1 COLLATE NOCASE
                  UNION ALL SELECT 'session ' || id FROM sessions WHERE user = ?1 COLLATE NOCASE)
                ORDER BY at DESC, id DESC LIMIT ?2
                """, [.text(user), .integer(Int64(limit))], Self.auditEntry)
        }
    }
}
