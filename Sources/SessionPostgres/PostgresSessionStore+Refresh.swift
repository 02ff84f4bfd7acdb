public import SessionCore

extension PostgresSessionStore {
    public func rotateRefreshToken(
        presentedHash: [UInt8], successorHash: [UInt8], ip: String, at now: Double, policy: RefreshPolicy
    ) throws(StoreError) -> RefreshOutcome {
        try write { db in
            try rotate(db, RefreshPresentation(presentedHash: presentedHash, successorHash: successorHash, ip: ip, at: now, policy: policy))
        }
    }

    /// Group commit: every presentation in one transaction, each in its own savepoint so a
    /// failure rolls back only itself. Presentations are taken in token order, so two
    /// instances' batches lock rows in the same order; a deadlock the server still reports
    /// rolls the batch back and it is run again (`PGPool.transaction`).
    public func rotateRefreshTokens(_ requests: [RefreshPresentation]) throws(StoreError) -> [Result<RefreshOutcome, StoreError>] {
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
            try markRevoked(db, session)
            try db.query("UPDATE refresh_tokens SET reused_at = $1 WHERE hash = $2", [.double(now), .bytes(presentedHash)])
            try insertAudit(
                db,
                AuditEntry(
                    at: now, actor: "system", action: .refreshReuse, target: session.id, reason: "spent refresh token presented again",
                    detail: "session \(session.id) of \(session.user) revoked; token \(token.label) reused from \(ip)"))
            return .reuseDetected(session)
        case .ended(let state):
            return .sessionEnded(session, state)
        }
    }
}
