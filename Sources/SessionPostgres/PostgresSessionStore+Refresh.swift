public import SessionCore

extension PostgresSessionStore {
    public func rotateRefreshToken(
        presentedHash: [UInt8], successorHash: [UInt8], ip: String, at now: Double, policy: RefreshPolicy
    ) throws(StoreError) -> RefreshOutcome {
        try write { db in
            try rotate(db, RefreshPresentation(presentedHash: presentedHash, successorHash: successorHash, ip: ip, at: now, policy: policy))
        }
    }

    /// Group commit, set-based: the batch's tokens and sessions are locked and read in one
    /// statement, each presentation is decided in order by `RefreshFamily` (a token spent by
    /// an earlier presentation in the batch counts as spent for the next), and the writes go
    /// back as one statement per kind (spent tokens, successors, sessions), whatever the batch
    /// size: a few round trips instead of several per presentation. Anything unusual (a
    /// constraint failing) rolls the batch back and it is run one presentation at a time,
    /// each in its own savepoint, so one failure stays its own.
    public func rotateRefreshTokens(_ requests: [RefreshPresentation]) throws(StoreError) -> [Result<RefreshOutcome, StoreError>] {
        guard requests.count > 1 else {
            return requests.map { request in
                Result { () throws(StoreError) -> RefreshOutcome in
                    try rotateRefreshToken(
                        presentedHash: request.presentedHash, successorHash: request.successorHash, ip: request.ip, at: request.at, policy: request.policy)
                }
            }
        }
        do {
            return try write { db in try rotateBatch(db, requests).map { .success($0) } }
        } catch .busy(let message) {
            throw .busy(message)
        } catch {
            return try rotateOneByOne(requests)
        }
    }

    /// The set-based batch inside the caller's transaction.
    private func rotateBatch(_ db: PGConnection, _ requests: [RefreshPresentation]) throws -> [RefreshOutcome] {
        var seen = Set<[UInt8]>()
        let hashes = requests.map(\.presentedHash).filter { seen.insert($0).inserted }.sorted { $0.lexicographicallyPrecedes($1) }
        let found = try db.query(
            Self.tokensWithSessions + " WHERE t.hash = ANY($1::bytea[]) ORDER BY t.hash FOR UPDATE OF t, s",
            [PGValue.array(hashes.map { .bytes($0) })])
        var tokens: [[UInt8]: RefreshTokenRecord] = [:]
        var sessions: [String: SessionRecord] = [:]
        for row in 0..<found.rowCount {
            let token = Self.refreshToken(found, row, from: 13)
            tokens[token.hash] = token
            sessions[token.sessionID] = Self.session(found, row)
        }
        var spent: [(hash: [UInt8], successor: [UInt8], at: Double)] = []
        var issued: [RefreshTokenRecord] = []
        var touched: [String: SessionRecord] = [:]
        var reused: [(token: RefreshTokenRecord, session: SessionRecord, request: RefreshPresentation)] = []
        let outcomes = requests.map { request -> RefreshOutcome in
            guard var token = tokens[request.presentedHash], var session = sessions[token.sessionID] else { return .unknownToken }
            switch RefreshFamily.decide(token: token, session: session, now: request.at, policy: request.policy) {
            case .rotate:
                token.spentAt = request.at
                token.successorHash = request.successorHash
                tokens[token.hash] = token
                spent.append((token.hash, request.successorHash, request.at))
                let successor = RefreshTokenRecord(
                    hash: request.successorHash, sessionID: session.id, parentHash: token.hash, issuedAt: request.at, issuedIP: request.ip)
                issued.append(successor)
                tokens[successor.hash] = successor
                session = session.rotated(at: request.at, ip: request.ip, policy: request.policy)
                sessions[session.id] = session
                touched[session.id] = session
                return .rotated(session)
            case .replay:
                return .replayedWithinGrace(session)
            case .revokeFamily:
                session = session.revoked(at: request.at, reason: "refresh token reuse", by: "system")
                sessions[session.id] = session
                reused.append((token, session, request))
                return .reuseDetected(session)
            case .ended(let state):
                return .sessionEnded(session, state)
            }
        }
        if !spent.isEmpty {
            // Successors first, so one presented later in the batch is there to be spent.
            try db.query(
                """
                INSERT INTO refresh_tokens (hash, session_id, parent_hash, issued_at, issued_ip)
                SELECT * FROM unnest($1::bytea[], $2::text[], $3::bytea[], $4::float8[], $5::text[])
                """,
                [
                    PGValue.array(issued.map { .bytes($0.hash) }), PGValue.array(issued.map { .text($0.sessionID) }),
                    PGValue.array(issued.map { $0.parentHash.map(PGValue.bytes) ?? .null }), PGValue.array(issued.map { .double($0.issuedAt) }),
                    PGValue.array(issued.map { .text($0.issuedIP) }),
                ])
            let changed = try db.query(
                """
                UPDATE refresh_tokens t SET spent_at = v.at, successor_hash = v.successor
                FROM unnest($1::bytea[], $2::bytea[], $3::float8[]) AS v(hash, successor, at)
                WHERE t.hash = v.hash AND t.spent_at IS NULL
                """,
                [PGValue.array(spent.map { .bytes($0.hash) }), PGValue.array(spent.map { .bytes($0.successor) }), PGValue.array(spent.map { .double($0.at) })]
            ).changed
            guard changed == spent.count else { throw StoreError.refused("refresh tokens were rotated concurrently") }
            let rows = Array(touched.values)
            try db.query(
                """
                UPDATE sessions s SET last_used_at = v.used, idle_expires_at = v.idle, rotations = v.rotations, ip = v.ip
                FROM unnest($1::text[], $2::float8[], $3::float8[], $4::int[], $5::text[]) AS v(id, used, idle, rotations, ip)
                WHERE s.id = v.id
                """,
                [
                    PGValue.array(rows.map { .text($0.id) }), PGValue.array(rows.map { .double($0.lastUsedAt) }),
                    PGValue.array(rows.map { .double($0.idleExpiresAt) }), PGValue.array(rows.map { .int(Int64($0.rotations)) }),
                    PGValue.array(rows.map { .text($0.ip) }),
                ])
        }
        for (token, session, request) in reused { try revokeFamily(db, token: token, session: session, ip: request.ip, at: request.at) }
        return outcomes
    }

    /// The batch one presentation at a time, each in its own savepoint.
    private func rotateOneByOne(_ requests: [RefreshPresentation]) throws(StoreError) -> [Result<RefreshOutcome, StoreError>] {
        let order = requests.indices.sorted { requests[$0].presentedHash.lexicographicallyPrecedes(requests[$1].presentedHash) }
        let outcomes = try write { db -> [Int: Result<RefreshOutcome, StoreError>] in
            var outcomes: [Int: Result<RefreshOutcome, StoreError>] = [:]
            for index in order {
                try db.execute("SAVEPOINT rotation")
                do {
                    outcomes[index] = .success(try rotate(db, requests[index]))
                    try db.execute("RELEASE rotation")
                } catch let error as PGError where error.isRetryable || error.connectionLost {
                    throw error
                } catch {
                    try db.execute("ROLLBACK TO rotation")
                    try db.execute("RELEASE rotation")
                    if let storeError = error as? StoreError {
                        outcomes[index] = .failure(storeError)
                    } else if let pgError = error as? PGError {
                        outcomes[index] = .failure(pool.describe(pgError))
                    } else {
                        outcomes[index] = .failure(.unusable("\(error)"))
                    }
                }
            }
            return outcomes
        }
        return requests.indices.map { outcomes[$0] ?? .failure(.unusable("no outcome")) }
    }

    /// A spent token came back after the grace window: its session is revoked, with a feed
    /// event and a `refresh_reuse` audit entry naming it.
    private func revokeFamily(_ db: PGConnection, token: RefreshTokenRecord, session: SessionRecord, ip: String, at now: Double) throws {
        try markRevoked(db, session)
        try db.query("UPDATE refresh_tokens SET reused_at = $1 WHERE hash = $2", [.double(now), .bytes(token.hash)])
        try insertAudit(
            db,
            AuditEntry(
                at: now, actor: "system", action: .refreshReuse, target: session.id, reason: "spent refresh token presented again",
                detail: "session \(session.id) of \(session.user) revoked; token \(token.label) reused from \(ip)"))
    }

    /// One presentation inside the caller's transaction. The token's row and its session's
    /// are locked first, so of concurrent presentations of one token (from any instance)
    /// exactly one sees it live; the others then see it spent and replay or detect reuse.
    private func rotate(_ db: PGConnection, _ request: RefreshPresentation) throws -> RefreshOutcome {
        let (presentedHash, successorHash, ip, now, policy) = (request.presentedHash, request.successorHash, request.ip, request.at, request.policy)
        let found = try db.query(Self.tokenWithSession + " FOR UPDATE OF t, s", [.bytes(presentedHash)])
        guard found.rowCount > 0 else { return .unknownToken }
        let token = Self.refreshToken(found, 0, from: 13)
        var session = Self.session(found, 0)
        switch RefreshFamily.decide(token: token, session: session, now: now, policy: policy) {
        case .rotate:
            let spent = try db.query(
                "UPDATE refresh_tokens SET spent_at = $1, successor_hash = $2 WHERE hash = $3 AND spent_at IS NULL",
                [.double(now), .bytes(successorHash), .bytes(presentedHash)])
            guard spent.changed == 1 else { throw StoreError.refused("refresh token was rotated concurrently") }
            try db.query(
                "INSERT INTO refresh_tokens (hash, session_id, parent_hash, issued_at, issued_ip) VALUES ($1, $2, $3, $4, $5)",
                [.bytes(successorHash), .text(session.id), .bytes(presentedHash), .double(now), .text(ip)])
            session = session.rotated(at: now, ip: ip, policy: policy)
            try db.query(
                "UPDATE sessions SET last_used_at = $1, idle_expires_at = $2, rotations = $3, ip = $4 WHERE id = $5",
                [.double(now), .double(session.idleExpiresAt), .int(Int64(session.rotations)), .text(session.ip), .text(session.id)])
            return .rotated(session)
        case .replay:
            return .replayedWithinGrace(session)
        case .revokeFamily:
            session = session.revoked(at: now, reason: "refresh token reuse", by: "system")
            try revokeFamily(db, token: token, session: session, ip: ip, at: now)
            return .reuseDetected(session)
        case .ended(let state):
            return .sessionEnded(session, state)
        }
    }
}
