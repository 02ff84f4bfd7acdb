public import SessionCore

/// What the user view reads: one user's attempts, session states and audit trail.
extension PostgresSessionStore {
    public func loginAttempts(user: String, since: Double, limit: Int) throws(StoreError) -> [LoginAttemptRecord] {
        try read { db in
            let result = try db.query(
                """
                SELECT at, address, outcome, counts_for_user FROM login_attempts WHERE user_name = $1 AND at > $2
                ORDER BY at DESC, id DESC LIMIT $3
                """, [.text(user.lowercased()), .double(since), .int(Int64(limit))])
            return result.map { row in
                LoginAttemptRecord(
                    at: result.double(row, 0), address: result.text(row, 1), failed: result.text(row, 2) == "failed", countsForUser: result.bool(row, 3))
            }
        }
    }

    public func sessionStates(user: String, now: Double) throws(StoreError) -> SessionStateCounts {
        try read { db in
            let result = try db.query(
                """
                SELECT COUNT(*), COUNT(*) FILTER (WHERE revoked_at IS NOT NULL),
                  COUNT(*) FILTER (WHERE revoked_at IS NULL AND (expires_at <= $2 OR idle_expires_at <= $2))
                FROM sessions WHERE lower(user_name) COLLATE "C" = lower($1) COLLATE "C"
                """, [.text(user), .double(now)])
            let (total, revoked, expired) = (result.int(0, 0), result.int(0, 1), result.int(0, 2))
            return SessionStateCounts(active: total - revoked - expired, revoked: revoked, expired: expired)
        }
    }

    public func auditEntries(about user: String, limit: Int) throws(StoreError) -> [AuditEntry] {
        try read { db in
            let result = try db.query(
                """
                WITH owned AS (SELECT id FROM sessions WHERE lower(user_name) COLLATE "C" = lower($1) COLLATE "C")
                SELECT id, at, actor, action, target, reason, detail FROM audit
                WHERE target = ANY (ARRAY[$1, 'user ' || $1]
                  || ARRAY(SELECT id FROM owned) || ARRAY(SELECT 'session ' || id FROM owned))
                ORDER BY at DESC, id DESC LIMIT $2
                """, [.text(user), .int(Int64(limit))])
            return Self.auditEntries(result)
        }
    }
}
