public import SessionCore

extension SQLiteSessionStore {
    static let sessionColumns =
        "id, user, client, ip, user_agent, created_at, last_used_at, expires_at, idle_expires_at, revoked_at, revoke_reason, revoked_by, rotations"

    static func session(_ row: SQLiteStatement) -> SessionRecord {
        SessionRecord(
            id: row.text(0), user: row.text(1), client: row.text(2), ip: row.text(3), userAgent: row.text(4),
            createdAt: row.double(5), lastUsedAt: row.double(6), expiresAt: row.double(7), idleExpiresAt: row.double(8),
            revokedAt: row.optionalDouble(9), revokeReason: row.optionalText(10), revokedBy: row.optionalText(11),
            rotations: row.int(12))
    }

    public func importSessions(_ batch: [ImportedSession]) throws(StoreError) {
        // Rows in key order: the primary-key B-trees are then filled left to right.
        let sorted = batch.sorted { $0.session.id < $1.session.id }
        try write { db in
            // One statement each, prepared once for the whole batch.
            let tokenInsert = try db.statement(
                """
                INSERT INTO refresh_tokens (hash, session_id, parent_hash, issued_at, issued_ip, spent_at, successor_hash, reused_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for item in sorted {
                do {
                    try insertSession(db, item.session)
                } catch let error as SQLiteError where error.isConstraint {
                    throw StoreError.refused("session \(item.session.id) already exists")
                }
                for token in item.family {
                    try tokenInsert.bind([
                        .blob(token.hash), .text(token.sessionID), token.parentHash.map { .blob($0) } ?? .null, .real(token.issuedAt),
                        .text(token.issuedIP), token.spentAt.map { .real($0) } ?? .null,
                        token.successorHash.map { .blob($0) } ?? .null, token.reusedAt.map { .real($0) } ?? .null,
                    ])
                    try tokenInsert.run()
                }
            }
        }
    }

    /// Inserts a session row. `SessionRecord` keeps the idle end no later than the absolute
    /// end (the counts rely on it) and the schema's CHECK refuses a row that does not.
    func insertSession(_ db: SQLiteConnection, _ s: SessionRecord) throws {
        try db.run(
            "INSERT INTO sessions (\(Self.sessionColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                .text(s.id), .text(s.user), .text(s.client), .text(s.ip), .text(s.userAgent), .real(s.createdAt),
                .real(s.lastUsedAt), .real(s.expiresAt), .real(s.idleExpiresAt), s.revokedAt.map { .real($0) } ?? .null,
                s.revokeReason.map { .text($0) } ?? .null, s.revokedBy.map { .text($0) } ?? .null, .integer(Int64(s.rotations)),
            ])
    }

    public func session(id: String) throws(StoreError) -> SessionRecord? {
        try withConnection { db in
            try db.query("SELECT \(Self.sessionColumns) FROM sessions WHERE id = ?", [.text(id)], Self.session).first
        }
    }

    /// `LIKE` pattern for a prefix, with `%`, `_` and `\` in the text escaped.
    static func prefixPattern(_ text: String) -> String {
        var out = ""
        for c in text {
            if c == "%" || c == "_" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out + "%"
    }

    public func sessions(_ query: SessionQuery, now: Double) throws(StoreError) -> [SessionRecord] {
        if query.sort == .state {
            return try StateOrderedListing.sessions(query) { sub throws(StoreError) in try sessions(sub, now: now) }
        }
        var clauses: [String] = []
        var values: [SQLiteStatement.Value] = []
        if let user = query.user {
            clauses.append("user = ? COLLATE NOCASE")
            values.append(.text(user))
        }
        // Prefix filters are planned by how many rows match, counted on their indexes up to
        // a bound: a rare prefix is searched in its index and the few matches sorted; a
        // common one (`+column` keeps SQLite off that index) is found quickly by walking
        // the sort order. Either way a keystroke costs milliseconds at a million rows.
        if let ip = query.ipPrefix {
            let pattern: [SQLiteStatement.Value] = [.text(Self.prefixPattern(ip))]
            clauses.append(try planned("+ip LIKE ? ESCAPE '\\'", pattern))
            values += pattern
        }
        if let client = query.client {
            clauses.append("client = ?")
            values.append(.text(client))
        }
        if let text = query.text, !text.isEmpty {
            let pattern = Self.prefixPattern(text)
            let rare = try withConnection { db in
                try ["user", "ip", "client"].allSatisfy { column in try Self.isRare(db, clause: "\(column) LIKE ? ESCAPE '\\'", [.text(pattern)]) }
            }
            if rare {
                clauses.append(
                    """
                    rowid IN (SELECT rowid FROM sessions WHERE user LIKE ? ESCAPE '\\' UNION SELECT rowid FROM sessions WHERE ip LIKE ? ESCAPE '\\'
                      UNION SELECT rowid FROM sessions WHERE client LIKE ? ESCAPE '\\')
                    """)
            } else {
                clauses.append("(+user LIKE ? ESCAPE '\\' OR +ip LIKE ? ESCAPE '\\' OR +client LIKE ? ESCAPE '\\')")
            }
            values += [.text(pattern), .text(pattern), .text(pattern)]
        }
        // The filter language's conditions and time bounds, planned like the prefixes above.
        for (clause, bound) in try filterClauses(query) {
            clauses.append(try planned(clause, bound))
            values += bound
        }
        switch query.state {
        case .active?:
            // Usually most sessions: walk the sort order (`+` keeps SQLite off the idle-end
            // index, which would sort every active row per page); when few are active, their
            // index is the way in.
            let bound: [SQLiteStatement.Value] = [.real(now), .real(now)]
            clauses.append(try planned("revoked_at IS NULL AND +expires_at > ? AND +idle_expires_at > ?", bound))
            values += bound
        case .revoked?:
            clauses.append("revoked_at IS NOT NULL")
        case .expired?:
            clauses.append("revoked_at IS NULL AND (expires_at <= ? OR idle_expires_at <= ?)")
            values += [.real(now), .real(now)]
        case nil:
            break
        }
        let column: String
        switch query.sort {
        case .created: column = "created_at"
        case .lastUsed: column = "last_used_at"
        case .user: column = "user COLLATE NOCASE"
        case .ip: column = "ip COLLATE NOCASE"
        case .client: column = "client COLLATE NOCASE"
        case .userAgent:
            column = "user_agent COLLATE NOCASE"
            try ensureUserAgentIndex()
        case .expires: column = "idle_expires_at"
        case .state: preconditionFailure("state order is assembled by StateOrderedListing")
        }
        let down = query.sort.descending
        func bind(_ value: SortValue) -> SQLiteStatement.Value {
            switch value {
            case .number(let n): .real(n)
            case .text(let t): .text(t)
            case .ranked(_, let created): .real(created)
            }
        }
        /// Rows strictly past `cursor` going `forward` in listing order (inclusive of the cursor
        /// row when asked). The plain bound first: SQLite starts the index walk there (the OR
        /// alone is no range, and every page would walk again from the top).
        func keyset(_ cursor: SessionCursor, forward: Bool, inclusive: Bool = false) {
            let later = forward == down ? "<" : ">"
            clauses.append("\(column) \(later)= ? AND (\(column) \(later) ? OR (\(column) = ? AND id \(later)\(inclusive ? "=" : "") ?))")
            values += [bind(cursor.value), bind(cursor.value), bind(cursor.value), .text(cursor.id)]
        }
        if let after = query.after { keyset(after, forward: true) }
        if let from = query.from { keyset(from, forward: true, inclusive: true) }
        if let before = query.before { keyset(before, forward: false) }
        let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        values.append(.integer(Int64(max(0, query.limit))))
        // Rows just before a cursor, or the last rows, come from a reversed scan.
        let reversed = query.before != nil || query.oldest
        let direction = (down != reversed) ? "DESC" : "ASC"
        let sql = "SELECT \(Self.sessionColumns) FROM sessions \(whereClause) ORDER BY \(column) \(direction), id \(direction) LIMIT ?"
        let rows = try withConnection { db in try db.query(sql, values, Self.session) }
        return reversed ? rows.reversed() : rows
    }

    public func activity(now: Double, bucket: Double, buckets: Int) throws(StoreError) -> ActivityHistogram {
        let start = now - bucket * Double(buckets)
        return try withConnection { db in
            func histogram(_ column: String, table: String = "sessions", extra: String = "") throws -> [Int] {
                var counts = [Int](repeating: 0, count: buckets)
                let rows = try db.query(
                    """
                    SELECT CAST((\(column) - ?) / ? AS INTEGER), COUNT(*) FROM \(table)
                    WHERE \(column) >= ? AND \(column) < ? \(extra) GROUP BY 1
                    """, [.real(start), .real(bucket), .real(start), .real(now)]
                ) { ($0.int(0), $0.int(1)) }
                for (index, count) in rows where index >= 0 && index < buckets { counts[index] = count }
                return counts
            }
            return ActivityHistogram(
                logins: try histogram("created_at"),
                refreshes: try histogram("issued_at", table: "refresh_tokens", extra: "AND parent_hash IS NOT NULL"),
                revocations: try histogram("revoked_at"))
        }
    }

    public func countActiveSessions(usedSince since: Double, now: Double) throws(StoreError) -> Int {
        try withConnection { db in
            Int(
                try db.scalarInt(
                    """
                    SELECT COUNT(*) FROM sessions WHERE revoked_at IS NULL AND expires_at > ? AND idle_expires_at > ? AND last_used_at >= ?
                    """, [.real(now), .real(now), .real(since)]))
        }
    }

    /// Creates the user-agent sort index on first use (a few seconds once on a million rows).
    func ensureUserAgentIndex() throws(StoreError) {
        guard canWrite else { return }  // read-only: the sort walks the table instead
        try withConnection { db in
            let present = try db.scalarInt("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = ?", [.text(Schema.userAgentIndex.name)])
            if present == 0 { try db.execute(Schema.userAgentIndex.sql) }
        }
    }

    /// Fewer rows than this match a prefix: search its index and sort the matches.
    static let rareBound = 2000

    /// SQL for `query.conditions` and `query.timeBounds`: each a clause whose column is
    /// written `+column` (kept off its index unless the caller finds the term rare) and its
    /// values.
    private func filterClauses(_ query: SessionQuery) throws(StoreError) -> [(String, [SQLiteStatement.Value])] {
        var out: [(String, [SQLiteStatement.Value])] = []
        for condition in query.conditions {
            let column: String
            switch condition.field {
            case .user: column = "user"
            case .ip: column = "ip"
            case .client: column = "client"
            case .agent:
                column = "user_agent"
                try ensureUserAgentIndex()
            case .id: column = "id"
            }
            if condition.field == .id {
                // Session ids are base64url: a prefix with anything else matches nothing.
                let plain = condition.value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
                if condition.exact {
                    out.append(("+id = ?", [.text(condition.value)]))
                } else {
                    out.append(plain ? ("+id GLOB ?", [.text(condition.value + "*")]) : ("0", []))
                }
            } else if condition.exact {
                out.append(("+\(column) = ? COLLATE NOCASE", [.text(condition.value)]))
            } else {
                out.append(("+\(column) LIKE ? ESCAPE '\\'", [.text(Self.prefixPattern(condition.value))]))
            }
        }
        for bound in query.timeBounds {
            let op = bound.after ? ">" : "<"
            switch bound.field {
            case .created: out.append(("+created_at \(op) ?", [.real(bound.time)]))
            case .seen: out.append(("+last_used_at \(op) ?", [.real(bound.time)]))
            case .expires:
                out.append(
                    bound.after
                        ? ("(+expires_at > ? AND +idle_expires_at > ?)", [.real(bound.time), .real(bound.time)])
                        : ("(+expires_at < ? OR +idle_expires_at < ?)", [.real(bound.time), .real(bound.time)]))
            }
        }
        return out
    }

    /// `clause`, written with `+column` to keep SQLite off that column's index, as is when
    /// many rows pass it (walking the sort order finds a page fast), or without the `+`s when
    /// few do (its own index finds them and they are sorted). Values are bound, never in the
    /// text, so `+` marks only columns.
    private func planned(_ clause: String, _ values: [SQLiteStatement.Value]) throws(StoreError) -> String {
        let indexed = clause.replacingOccurrences(of: "+", with: "")
        let rare = try withConnection { db in try planMemo.rare(indexed, values) { try Self.isRare(db, clause: indexed, values) } }
        return rare ? indexed : clause
    }

    /// True when fewer than `rareBound` rows pass `clause`.
    static func isRare(_ db: SQLiteConnection, clause: String, _ values: [SQLiteStatement.Value]) throws -> Bool {
        let count = try db.scalarInt("SELECT COUNT(*) FROM (SELECT 1 FROM sessions WHERE \(clause) LIMIT ?)", values + [.integer(Int64(rareBound))])
        return count < rareBound
    }

    /// Counts from indexes only (no table scan): a session's idle end is never after its
    /// absolute end, so it is active exactly when unrevoked with `idle_expires_at > now`.
    public func sessionCounts(now: Double) throws(StoreError) -> SessionCounts {
        try withConnection { db in
            let total = try db.scalarInt("SELECT COUNT(*) FROM sessions")
            let revoked = try db.scalarInt("SELECT COUNT(*) FROM sessions WHERE revoked_at IS NOT NULL")
            let expired = try db.scalarInt("SELECT COUNT(*) FROM sessions WHERE idle_expires_at <= ? AND revoked_at IS NULL", [.real(now)])
            let revokedToday = try db.scalarInt("SELECT COUNT(*) FROM sessions WHERE revoked_at >= ?", [.real(now - 86_400)])
            let expiring = try db.scalarInt(
                """
                SELECT COUNT(*) FROM sessions WHERE idle_expires_at > ? AND idle_expires_at <= ? AND revoked_at IS NULL
                """, [.real(now), .real(now + 3600)])
            return SessionCounts(
                active: Int(total - revoked - expired), revokedToday: Int(revokedToday),
                expiringWithinHour: Int(expiring), total: Int(total))
        }
    }

    @discardableResult
    public func revokeSessions(ids: [String], audit: AuditContext, auditEach: Bool) throws(StoreError) -> Int {
        try write { db in
            var revoked = 0
            for id in ids {
                guard let session = try db.query("SELECT \(Self.sessionColumns) FROM sessions WHERE id = ?", [.text(id)], Self.session).first else {
                    throw StoreError.notFound("no session \(id)")
                }
                guard session.state(at: audit.at) == .active else { continue }
                try markRevoked(db, session.revoked(at: audit.at, reason: audit.reason, by: audit.actor))
                if auditEach {
                    try insertAudit(
                        db,
                        AuditEntry(
                            at: audit.at, actor: audit.actor, action: .sessionRevoke, target: id, reason: audit.reason,
                            detail: "user \(session.user)"))
                }
                revoked += 1
            }
            return revoked
        }
    }

    /// Writes a session's revocation and its feed event (the caller audits).
    private func markRevoked(_ db: SQLiteConnection, _ session: SessionRecord) throws {
        guard let at = session.revokedAt else { return }
        try db.run(
            "UPDATE sessions SET revoked_at = ?, revoke_reason = ?, revoked_by = ? WHERE id = ?",
            [.real(at), .text(session.revokeReason ?? ""), .text(session.revokedBy ?? ""), .text(session.id)])
        try insertRevocation(db, kind: .session, target: session.id, at: at, expiresAt: lifetimes.horizon(after: at))
    }

    public func refreshHistory(sessionID: String) throws(StoreError) -> [RefreshTokenRecord] {
        try withConnection { db in
            try db.query(
                """
                SELECT hash, session_id, parent_hash, issued_at, issued_ip, spent_at, successor_hash, reused_at
                FROM refresh_tokens WHERE session_id = ? ORDER BY issued_at
                """, [.text(sessionID)], { Self.refreshToken($0) })
        }
    }

    /// A refresh token from eight columns starting at `first`.
    static func refreshToken(_ row: SQLiteStatement, from first: Int32 = 0) -> RefreshTokenRecord {
        RefreshTokenRecord(
            hash: row.blob(first), sessionID: row.text(first + 1), parentHash: row.optionalBlob(first + 2),
            issuedAt: row.double(first + 3), issuedIP: row.text(first + 4), spentAt: row.optionalDouble(first + 5),
            successorHash: row.optionalBlob(first + 6), reusedAt: row.optionalDouble(first + 7))
    }

    /// A refresh token (columns 13…20) with its session (columns 0…12).
    static let tokenWithSession = """
        SELECT \(sessionColumns.split(separator: ",").map { "s." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")),
          t.hash, t.session_id, t.parent_hash, t.issued_at, t.issued_ip, t.spent_at, t.successor_hash, t.reused_at
        FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id WHERE t.hash = ?
        """

    public func refreshTokenOwner(hash: [UInt8]) throws(StoreError) -> RefreshTokenOwner? {
        try withConnection { db in
            try db.query(Self.tokenWithSession, [.blob(hash)]) { row in
                RefreshTokenOwner(session: Self.session(row), token: Self.refreshToken(row, from: 13))
            }.first
        }
    }

    public func rotateRefreshToken(
        presentedHash: [UInt8], successorHash: [UInt8], ip: String, at now: Double,
        policy: RefreshPolicy
    ) throws(StoreError) -> RefreshOutcome {
        try write { db in
            try rotate(db, RefreshPresentation(presentedHash: presentedHash, successorHash: successorHash, ip: ip, at: now, policy: policy))
        }
    }

    /// Group commit: every rotation in one write transaction, each inside its own savepoint
    /// so one failure rolls back only itself. Dirty index pages shared by the batch are
    /// written to the WAL once per batch instead of once per rotation.
    public func rotateRefreshTokens(_ requests: [RefreshPresentation]) throws(StoreError) -> [Result<RefreshOutcome, StoreError>] {
        try write { db in
            try requests.map { request -> Result<RefreshOutcome, StoreError> in
                // Prepared once (the statement cache), not parsed per presentation.
                try db.run("SAVEPOINT rotation")
                do {
                    let outcome = try rotate(db, request)
                    try db.run("RELEASE rotation")
                    return .success(outcome)
                } catch {
                    try db.run("ROLLBACK TO rotation")
                    try db.run("RELEASE rotation")
                    if let storeError = error as? StoreError { return .failure(storeError) }
                    if let sqliteError = error as? SQLiteError { return .failure(Self.describe(sqliteError, path: path)) }
                    return .failure(.unusable("\(error)"))
                }
            }
        }
    }

    /// One rotation inside the caller's transaction.
    private func rotate(_ db: SQLiteConnection, _ request: RefreshPresentation) throws -> RefreshOutcome {
        let (presentedHash, successorHash, ip, now, policy) = (request.presentedHash, request.successorHash, request.ip, request.at, request.policy)
        // The token and its session in one lookup.
        guard
            let (token, found) = try db.query(
                Self.tokenWithSession, [.blob(presentedHash)],
                { row in
                    (Self.refreshToken(row, from: 13), Self.session(row))
                }
            ).first
        else { return .unknownToken }
        var session = found
        switch RefreshFamily.decide(token: token, session: session, now: now, policy: policy) {
        case .rotate:
            try db.run(
                "UPDATE refresh_tokens SET spent_at = ?, successor_hash = ? WHERE hash = ? AND spent_at IS NULL",
                [.real(now), .blob(successorHash), .blob(presentedHash)])
            guard db.changes == 1 else { throw StoreError.refused("refresh token was rotated concurrently") }
            try db.run(
                "INSERT INTO refresh_tokens (hash, session_id, parent_hash, issued_at, issued_ip) VALUES (?, ?, ?, ?, ?)",
                [.blob(successorHash), .text(session.id), .blob(presentedHash), .real(now), .text(ip)])
            let movedIP = session.ip != ip
            session = session.rotated(at: now, ip: ip, policy: policy)
            // Assigning ip rewrites its index entry even to the same value: only when it moved.
            try db.run(
                "UPDATE sessions SET last_used_at = ?, idle_expires_at = ?, rotations = ?\(movedIP ? ", ip = ?" : "") WHERE id = ?",
                [.real(now), .real(session.idleExpiresAt), .integer(Int64(session.rotations))]
                    + (movedIP ? [.text(ip)] : []) + [.text(session.id)])
            return .rotated(session)
        case .replay:
            return .replayedWithinGrace(session)
        case .revokeFamily:
            session = session.revoked(at: now, reason: "refresh token reuse", by: "system")
            try markRevoked(db, session)
            try db.run("UPDATE refresh_tokens SET reused_at = ? WHERE hash = ?", [.real(now), .blob(presentedHash)])
            try insertAudit(
                db,
                AuditEntry(
                    at: now, actor: "system", action: .refreshReuse, target: session.id,
                    reason: "spent refresh token presented again",
                    detail: "session \(session.id) of \(session.user) revoked; token \(token.label) reused from \(ip)"))
            return .reuseDetected(session)
        case .ended(let state):
            return .sessionEnded(session, state)
        }
    }
}
