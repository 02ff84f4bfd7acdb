public import SessionCore

extension SQLiteSessionStore {
    public func reserveLoginAttempt(user: String, address: String, limits: LoginLimits, at now: Double) throws(StoreError) -> LoginReservation {
        let user = user.lowercased()
        let start = limits.windowStart(now: now)
        let pending = limits.pendingStart(now: now)
        // BEGIN IMMEDIATE: the count and the insert hold the write lock together, so no
        // other connection or process can reserve in between.
        return try write { db in
            func count(_ sql: String, _ key: String) throws -> LoginLimits.Count {
                try db.query(sql, [.text(key), .real(start), .real(pending)]) { row in
                    LoginLimits.Count(attempts: row.int(0), oldest: row.optionalDouble(1))
                }.first ?? LoginLimits.Count(attempts: 0, oldest: nil)
            }
            let byUser = try count(
                "SELECT COUNT(*), MIN(at) FROM login_attempts WHERE user = ? AND at > ? AND counts_for_user = 1 AND (outcome = 'failed' OR at > ?)", user)
            let byAddress = try count("SELECT COUNT(*), MIN(at) FROM login_attempts WHERE address = ? AND at > ? AND (outcome = 'failed' OR at > ?)", address)
            if let wait = limits.retryAfter(user: byUser, address: byAddress, now: now) { return .refused(retryAfter: wait) }
            try db.run("INSERT INTO login_attempts (user, address, at) VALUES (?, ?, ?)", [.text(user), .text(address), .real(now)])
            return .reserved(id: db.lastInsertRowID)
        }
    }

    public func settleLoginAttempt(id: Int64, outcome: LoginAttemptOutcome) throws(StoreError) {
        try write { db in
            switch outcome {
            case .failed:
                try db.run("UPDATE login_attempts SET outcome = 'failed' WHERE id = ?", [.integer(id)])
                return
            case .abandoned:
                try db.run("DELETE FROM login_attempts WHERE id = ?", [.integer(id)])
                return
            case .succeeded:
                break
            }
            guard let user = try db.query("SELECT user FROM login_attempts WHERE id = ?", [.integer(id)], { $0.text(0) }).first else { return }
            try db.run("DELETE FROM login_attempts WHERE id = ?", [.integer(id)])
            try db.run("UPDATE login_attempts SET counts_for_user = 0 WHERE user = ? AND outcome = 'failed'", [.text(user)])
        }
    }

    public func pruneLoginAttempts(before: Double) throws(StoreError) -> Int {
        try write { db in
            try db.run("DELETE FROM login_attempts WHERE at < ?", [.real(before)])
            return db.changes
        }
    }
}
