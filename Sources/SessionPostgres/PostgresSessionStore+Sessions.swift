public import SessionCore

extension PostgresSessionStore {
    static let sessionColumns =
        "id, user_name, client, ip, user_agent, created_at, last_used_at, expires_at, idle_expires_at, revoked_at, revoke_reason, revoked_by, rotations"

    /// A session from thirteen columns of `result`'s `row`, starting at `first`.
    static func session(_ result: PGResult, _ row: Int, from first: Int = 0) -> SessionRecord {
        SessionRecord(
            id: result.text(row, first), user: result.text(row, first + 1), client: result.text(row, first + 2), ip: result.text(row, first + 3),
            userAgent: result.text(row, first + 4), createdAt: result.double(row, first + 5), lastUsedAt: result.double(row, first + 6),
            expiresAt: result.double(row, first + 7), idleExpiresAt: result.double(row, first + 8), revokedAt: result.optionalDouble(row, first + 9),
            revokeReason: result.optionalText(row, first + 10), revokedBy: result.optionalText(row, first + 11), rotations: result.int(row, first + 12))
    }

    /// A refresh token from eight columns of `result`'s `row`, starting at `first`.
    static func refreshToken(_ result: PGResult, _ row: Int, from first: Int = 0) -> RefreshTokenRecord {
        RefreshTokenRecord(
            hash: result.bytes(row, first), sessionID: result.text(row, first + 1), parentHash: result.optionalBytes(row, first + 2),
            issuedAt: result.double(row, first + 3), issuedIP: result.text(row, first + 4), spentAt: result.optionalDouble(row, first + 5),
            successorHash: result.optionalBytes(row, first + 6), reusedAt: result.optionalDouble(row, first + 7))
    }

    /// One transaction; the rows stream in through `COPY`. A session id that exists is
    /// `.refused` (the unique index says so) and nothing of the batch is written.
    public func importSessions(_ batch: [ImportedSession]) throws(StoreError) {
        do {
            try write { db in
                try db.copy(
                    "sessions", columns: Self.sessionColumns.components(separatedBy: ", "),
                    rows: batch.map { item in
                        let s = item.session
                        return [
                            .text(s.id), .text(s.user), .text(s.client), .text(s.ip), .text(s.userAgent), .double(s.createdAt), .double(s.lastUsedAt),
                            .double(s.expiresAt), .double(s.idleExpiresAt), s.revokedAt.map { .double($0) } ?? .null,
                            s.revokeReason.map { .text($0) } ?? .null, s.revokedBy.map { .text($0) } ?? .null, .int(Int64(s.rotations)),
                        ]
                    })
                try db.copy(
                    "refresh_tokens", columns: ["hash", "session_id", "parent_hash", "issued_at", "issued_ip", "spent_at", "successor_hash", "reused_at"],
                    rows: batch.flatMap(\.family).map { token in
                        [
                            .bytes(token.hash), .text(token.sessionID), token.parentHash.map { .bytes($0) } ?? .null, .double(token.issuedAt),
                            .text(token.issuedIP), token.spentAt.map { .double($0) } ?? .null, token.successorHash.map { .bytes($0) } ?? .null,
                            token.reusedAt.map { .double($0) } ?? .null,
                        ]
                    })
            }
        } catch .refused(let message) where message.contains("sessions_pkey") {
            let id = batch.count == 1 ? batch[0].session.id : "of the batch"
            throw .refused(batch.count == 1 ? "session \(id) already exists" : "a session \(id) already exists")
        }
    }

    /// An import into an empty store drops the bulk indexes, to build each once at the end.
    public func prepareBulkImport() throws(StoreError) {
        try write { db in
            guard try db.query("SELECT 1 FROM sessions LIMIT 1").rowCount == 0 else { return }
            for index in PostgresSchema.bulkIndexes { try db.execute("DROP INDEX IF EXISTS \(index.name)") }
        }
    }

    /// Builds the missing indexes, then the statistics and visibility map the planner and
    /// index-only scans need.
    public func finishBulkImport() throws(StoreError) {
        try read { db in
            try db.execute("SET maintenance_work_mem = '256MB'")
            try PostgresSchema.ensureIndexes(db)
            try db.execute("RESET maintenance_work_mem")
            try db.execute("VACUUM (ANALYZE) sessions")
            try db.execute("VACUUM (ANALYZE) refresh_tokens")
        }
    }

    public func session(id: String) throws(StoreError) -> SessionRecord? {
        try read { db in
            let result = try db.query("SELECT \(Self.sessionColumns) FROM sessions WHERE id = $1", [.text(id)])
            return result.rowCount == 0 ? nil : Self.session(result, 0)
        }
    }

    /// The lower-cased, `C`-collated form of a text column: what listings sort and filter by,
    /// as SQLite's `NOCASE` does.
    private static func folded(_ column: String) -> String { "lower(\(column)) COLLATE \"C\"" }

    public func sessions(_ query: SessionQuery, now: Double) throws(StoreError) -> [SessionRecord] {
        if query.sort == .state {
            return try StateOrderedListing.sessions(query) { sub throws(StoreError) in try sessions(sub, now: now) }
        }
        var clauses: [String] = []
        var values: [PGValue] = []
        func bind(_ value: PGValue) -> String {
            values.append(value)
            return "$\(values.count)"
        }
        // The filter terms, each written against a binder of its own so that it can also be
        // probed alone.
        let terms = Self.filterTerms(query)
        // A term that few rows match is searched in its own index and the matches sorted;
        // otherwise walking the sort order finds the first page quickly. The planner cannot
        // tell "absent" from "rare" for a value of a common column, so it is asked, up to a
        // bound, as the SQLite store does.
        let rare = try read { db in
            try terms.contains { term in
                var binder = PGBinder()
                let sql = "SELECT COUNT(*) FROM (SELECT 1 FROM sessions WHERE \(term(&binder)) LIMIT \(Self.rareBound)) rows"
                return try db.query(sql, binder.values, planEachTime: true).int(0, 0) < Self.rareBound
            }
        }
        for term in terms {
            var binder = PGBinder(offset: values.count)
            clauses.append(term(&binder))
            values += binder.values
        }
        switch query.state {
        case .active?:
            let at = bind(.double(now))
            clauses.append("revoked_at IS NULL AND expires_at > \(at) AND idle_expires_at > \(at)")
        case .revoked?:
            clauses.append("revoked_at IS NOT NULL")
        case .expired?:
            let at = bind(.double(now))
            clauses.append("revoked_at IS NULL AND (expires_at <= \(at) OR idle_expires_at <= \(at))")
        case nil:
            break
        }
        let column: String
        switch query.sort {
        case .created: column = "created_at"
        case .lastUsed: column = "last_used_at"
        case .user: column = Self.folded("user_name")
        case .ip: column = Self.folded("ip")
        case .client: column = Self.folded("client")
        case .userAgent: column = Self.folded("user_agent")
        case .expires: column = "idle_expires_at"
        case .state: preconditionFailure("state order is assembled by StateOrderedListing")
        }
        let down = query.sort.descending
        func sortValue(_ value: SortValue) -> String {
            switch value {
            case .number(let n): return bind(.double(n))
            case .text(let t): return "lower(\(bind(.text(t)))::text) COLLATE \"C\""
            case .ranked(_, let created): return bind(.double(created))
            }
        }
        /// Rows strictly past `cursor` going `forward` in listing order (or from it, inclusive).
        func keyset(_ cursor: SessionCursor, forward: Bool, inclusive: Bool = false) {
            let later = forward == down ? "<" : ">"
            let value = sortValue(cursor.value)
            let id = bind(.text(cursor.id))
            // The plain bound first: the index scan starts there (the OR alone is no range).
            clauses.append(
                "\(column) \(later)= \(value) AND (\(column) \(later) \(value) OR (\(column) = \(value) AND id \(later)\(inclusive ? "=" : "") \(id)))")
        }
        if let after = query.after { keyset(after, forward: true) }
        if let from = query.from { keyset(from, forward: true, inclusive: true) }
        if let before = query.before { keyset(before, forward: false) }
        let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        let limit = bind(.int(Int64(max(0, query.limit))))
        // Rows just before a cursor, or the last rows, come from a reversed scan.
        let reversed = query.before != nil || query.oldest
        let direction = (down != reversed) ? "DESC" : "ASC"
        // `+ 0` / `|| ''` keep the planner off the sort order's index when a rare term's own is better.
        let order = rare ? (column.hasPrefix("lower(") ? "(\(column) || '')" : "(\(column) + 0)") : column
        let sql = "SELECT \(Self.sessionColumns) FROM sessions \(whereClause) ORDER BY \(order) \(direction), id \(direction) LIMIT \(limit)"
        // Planned with the values each time (not a generic plan): how many rows a prefix
        // matches decides whether its index or the sort order's is the way in.
        let rows = try read { db in
            let result = try db.query(sql, values, planEachTime: true)
            return result.map { Self.session(result, $0) }
        }
        return reversed ? rows.reversed() : rows
    }

    /// From this many sessions on, the header's total is PostgreSQL's estimate.
    static let estimateFrom = 200_000

    /// Fewer rows than this match a term: search its index and sort the matches.
    static let rareBound = 2_000

    /// One filter term of a listing, written with the binder's parameter numbers.
    typealias FilterTerm = (inout PGBinder) -> String

    /// The terms of `query`'s filters (user, address prefix, client, text).
    static func filterTerms(_ query: SessionQuery) -> [FilterTerm] {
        /// `column` starts with `text`, ignoring ASCII case: a range the column's index serves,
        /// with `LIKE` as the exact test.
        func prefix(_ column: String, _ text: String, _ b: inout PGBinder) -> String {
            let low = b.bind(.text(text))
            let pattern = b.bind(.text(likePattern(text)))
            return "(\(folded(column)) >= lower(\(low)::text) COLLATE \"C\" AND \(folded(column)) < (lower(\(low)::text) || U&'\\+10FFFF') COLLATE \"C\""
                + " AND \(folded(column)) LIKE lower(\(pattern)::text) COLLATE \"C\")"
        }
        var terms: [FilterTerm] = []
        if let user = query.user { terms.append { b in "\(folded("user_name")) = lower(\(b.bind(.text(user)))::text) COLLATE \"C\"" } }
        if let ip = query.ipPrefix { terms.append { b in prefix("ip", ip, &b) } }
        if let client = query.client {
            // Exact, as in SQLite; the folded comparison lets the client index find it.
            terms.append { b in
                let value = b.bind(.text(client))
                return "(client = \(value) AND \(folded("client")) = lower(\(value)::text) COLLATE \"C\")"
            }
        }
        if let text = query.text, !text.isEmpty {
            terms.append { b in "(\(prefix("user_name", text, &b)) OR \(prefix("ip", text, &b)) OR \(prefix("client", text, &b)))" }
        }
        // The filter language's conditions and time bounds.
        for condition in query.conditions {
            let column: String
            switch condition.field {
            case .user: column = "user_name"
            case .ip: column = "ip"
            case .client: column = "client"
            case .agent: column = "user_agent"
            case .id: column = "id"
            }
            if condition.field == .id {
                // Case-sensitive, on the primary key: a range, with the exact test beside it.
                terms.append { b in
                    let value = b.bind(.text(condition.value))
                    if condition.exact { return "id = \(value)" }
                    return "(id COLLATE \"C\" >= \(value) AND id COLLATE \"C\" < (\(value) || U&'\\+10FFFF') AND starts_with(id, \(value)))"
                }
            } else if condition.exact {
                terms.append { b in "\(folded(column)) = lower(\(b.bind(.text(condition.value)))::text) COLLATE \"C\"" }
            } else {
                terms.append { b in prefix(column, condition.value, &b) }
            }
        }
        for bound in query.timeBounds {
            let op = bound.after ? ">" : "<"
            terms.append { b in
                let time = b.bind(.double(bound.time))
                switch bound.field {
                case .created: return "created_at \(op) \(time)"
                case .seen: return "last_used_at \(op) \(time)"
                case .expires:
                    return bound.after ? "(expires_at > \(time) AND idle_expires_at > \(time))" : "(expires_at < \(time) OR idle_expires_at < \(time))"
                }
            }
        }
        return terms
    }

    /// `LIKE` pattern for a prefix, with `%`, `_` and `\` in the text escaped.
    static func likePattern(_ text: String) -> String {
        var out = ""
        for c in text {
            if c == "%" || c == "_" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out + "%"
    }

    public func activity(now: Double, bucket: Double, buckets: Int) throws(StoreError) -> ActivityHistogram {
        let start = now - bucket * Double(buckets)
        return try read { db in
            func histogram(_ column: String, table: String = "sessions", extra: String = "") throws -> [Int] {
                var counts = [Int](repeating: 0, count: buckets)
                let result = try db.query(
                    """
                    SELECT floor((\(column) - $1) / $2)::bigint, COUNT(*) FROM \(table)
                    WHERE \(column) >= $1 AND \(column) < $3 \(extra) GROUP BY 1
                    """, [.double(start), .double(bucket), .double(now)])
                for row in 0..<result.rowCount {
                    let index = result.int(row, 0)
                    if index >= 0 && index < buckets { counts[index] = result.int(row, 1) }
                }
                return counts
            }
            return ActivityHistogram(
                logins: try histogram("created_at"),
                refreshes: try histogram("issued_at", table: "refresh_tokens", extra: "AND parent_hash IS NOT NULL"),
                revocations: try histogram("revoked_at"))
        }
    }

    public func countActiveSessions(usedSince since: Double, now: Double) throws(StoreError) -> Int {
        try read { db in
            try db.query(
                "SELECT COUNT(*) FROM sessions WHERE revoked_at IS NULL AND expires_at > $1 AND idle_expires_at > $1 AND last_used_at >= $2",
                [.double(now), .double(since)]
            ).int(0, 0)
        }
    }

    /// A session's idle end is never after its absolute end, so it is active exactly when
    /// unrevoked with `idle_expires_at > now`: every count is an index range.
    public func sessionCounts(now: Double) throws(StoreError) -> SessionCounts {
        try read { db in
            // Past `estimateFrom` rows the total is the planner's estimate (kept by autovacuum):
            // counting a million rows every second would cost ~100 ms each time. The other
            // counts are index-only ranges.
            let estimate = try db.query("SELECT reltuples::bigint FROM pg_class WHERE oid = 'sessions'::regclass").int(0, 0)
            let estimated = estimate >= Self.estimateFrom
            let totalSQL = estimated ? "(SELECT reltuples::bigint FROM pg_class WHERE oid = 'sessions'::regclass)" : "(SELECT COUNT(*) FROM sessions)"
            let result = try db.query(
                """
                SELECT \(totalSQL),
                       (SELECT COUNT(*) FROM sessions WHERE revoked_at IS NOT NULL),
                       (SELECT COUNT(*) FROM sessions WHERE idle_expires_at <= $1 AND revoked_at IS NULL),
                       (SELECT COUNT(*) FROM sessions WHERE revoked_at >= $2),
                       (SELECT COUNT(*) FROM sessions WHERE idle_expires_at > $1 AND idle_expires_at <= $3 AND revoked_at IS NULL)
                """, [.double(now), .double(now - 86_400), .double(now + 3600)])
            let total = result.int(0, 0), revoked = result.int(0, 1), expired = result.int(0, 2)
            return SessionCounts(
                active: max(0, total - revoked - expired), revokedToday: result.int(0, 3), expiringWithinHour: result.int(0, 4), total: total,
                estimated: estimated)
        }
    }

    @discardableResult
    public func revokeSessions(ids: [String], audit: AuditContext, auditEach: Bool) throws(StoreError) -> Int {
        // Set-based: one locking read, one update, one feed insert, whatever the count (a
        // bulk's chunk of 200 was a thousand round trips). Rows are locked in id order, the
        // order every writer locks them in.
        try write { db in
            var seen = Set<String>()
            let unique = ids.filter { seen.insert($0).inserted }
            let found = try db.query(
                "SELECT \(Self.sessionColumns) FROM sessions WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE", [PGValue.array(unique.map { .text($0) })])
            var sessions: [String: SessionRecord] = [:]
            for row in 0..<found.rowCount {
                let session = Self.session(found, row)
                sessions[session.id] = session
            }
            if let missing = unique.first(where: { sessions[$0] == nil }) { throw StoreError.notFound("no session \(missing)") }
            let live = unique.compactMap { sessions[$0] }.filter { $0.state(at: audit.at) == .active }
            guard !live.isEmpty else { return 0 }
            try db.query(
                "UPDATE sessions SET revoked_at = $1, revoke_reason = $2, revoked_by = $3 WHERE id = ANY($4::text[])",
                [.double(audit.at), .text(audit.reason), .text(audit.actor), PGValue.array(live.map { .text($0.id) })])
            try insertRevocations(db, kind: .session, targets: live.map(\.id), at: audit.at, expiresAt: lifetimes.horizon(after: audit.at))
            if auditEach {
                for session in live {
                    try insertAudit(
                        db,
                        AuditEntry(
                            at: audit.at, actor: audit.actor, action: .sessionRevoke, target: session.id, reason: audit.reason,
                            detail: "user \(session.user)"))
                }
            }
            return live.count
        }
    }

    /// Writes a session's revocation and its feed event (the caller audits).
    func markRevoked(_ db: PGConnection, _ session: SessionRecord) throws {
        guard let at = session.revokedAt else { return }
        try db.query(
            "UPDATE sessions SET revoked_at = $1, revoke_reason = $2, revoked_by = $3 WHERE id = $4",
            [.double(at), .text(session.revokeReason ?? ""), .text(session.revokedBy ?? ""), .text(session.id)])
        try insertRevocation(db, kind: .session, target: session.id, at: at, expiresAt: lifetimes.horizon(after: at))
    }

    public func refreshHistory(sessionID: String) throws(StoreError) -> [RefreshTokenRecord] {
        try read { db in
            let result = try db.query(
                """
                SELECT hash, session_id, parent_hash, issued_at, issued_ip, spent_at, successor_hash, reused_at
                FROM refresh_tokens WHERE session_id = $1 ORDER BY issued_at
                """, [.text(sessionID)])
            return result.map { Self.refreshToken(result, $0) }
        }
    }

    /// Refresh tokens (columns 13…20) with their sessions (columns 0…12), to be filtered.
    static let tokensWithSessions = """
        SELECT \(sessionColumns.split(separator: ",").map { "s." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")),
          t.hash, t.session_id, t.parent_hash, t.issued_at, t.issued_ip, t.spent_at, t.successor_hash, t.reused_at
        FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id
        """

    /// A refresh token (columns 13…20) with its session (columns 0…12).
    static let tokenWithSession = """
        SELECT \(sessionColumns.split(separator: ",").map { "s." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")),
          t.hash, t.session_id, t.parent_hash, t.issued_at, t.issued_ip, t.spent_at, t.successor_hash, t.reused_at
        FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id WHERE t.hash = $1
        """

    public func refreshTokenOwner(hash: [UInt8]) throws(StoreError) -> RefreshTokenOwner? {
        try read { db in
            let result = try db.query(Self.tokenWithSession, [.bytes(hash)])
            guard result.rowCount > 0 else { return nil }
            return RefreshTokenOwner(session: Self.session(result, 0), token: Self.refreshToken(result, 0, from: 13))
        }
    }
}
