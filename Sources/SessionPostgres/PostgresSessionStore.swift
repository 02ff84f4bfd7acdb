import Foundation
import JOSE
public import SessionCore

/// The scale-out store: a `SessionStore` on PostgreSQL 15 through libpq, for several
/// `sessiond` instances on one database.
///
/// Guarantees, beside the protocol's: every write is one transaction (`READ COMMITTED` with
/// row locks, so concurrent presentations of one refresh token serialise on its row and no
/// request fails for a serialization conflict); the revocation feed is one sequence for all
/// writers, appended under an advisory lock held to commit, so sequence numbers become
/// visible in order and a follower never skips one; each append `NOTIFY`s
/// `session_revocations`; signing-key changes are serialised by an advisory lock; a lost
/// connection is `.busy` (retryable) and the next call reconnects. Thread-safe.
public final class PostgresSessionStore: SessionStore, @unchecked Sendable {
    public let lifetimes: TokenLifetimes
    /// Where it is, without any password.
    public let location: PostgresLocation
    let pool: PGPool
    /// False on a read-only role's connection (`PostgresRoles`): listings and the console
    /// then open read-only, and writes are refused by the database.
    public let canWrite: Bool
    /// False when this connection may not read the sealed keys and secret hashes: they are
    /// read back empty instead.
    let readsSecrets: Bool

    /// Connects to `location`, migrating the schema under an advisory lock (once, however
    /// many instances start together). `.unusable` with one line for an unreachable server,
    /// bad credentials, a database that is not ours, or a schema newer than this program;
    /// `.busy` when the server is not answering yet.
    /// `readOnly` makes every transaction of every connection read-only on the server (so no
    /// bug can write) and migrates nothing: a schema other than this program's is refused.
    public init(_ location: PostgresLocation, lifetimes: TokenLifetimes = TokenLifetimes(), connections: Int = 8, readOnly: Bool = false) throws(StoreError) {
        self.location = location
        self.lifetimes = lifetimes
        pool = PGPool(conninfo: location.conninfo, display: location.display, size: connections, readOnly: readOnly)
        do {
            (canWrite, readsSecrets) = try pool.withConnection { connection in
                if readOnly {
                    let present = try connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL").bool(0, 0)
                    let version = present ? try connection.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").int(0, 0) : 0
                    guard version == PostgresSchema.latestVersion else {
                        throw StoreError.unusable(
                            "store \(location.display) has schema version \(version), not this program's (\(PostgresSchema.latestVersion)): open it once with write access to migrate it"
                        )
                    }
                    let secrets = try connection.query("SELECT has_column_privilege('signing_keys', 'sealed_private', 'SELECT')").bool(0, 0)
                    return (false, secrets)
                }
                _ = try PostgresSchema.migrate(connection, display: location.display)
                let privileges = try connection.query(
                    """
                    SELECT has_table_privilege('sessions', 'UPDATE'), has_column_privilege('signing_keys', 'sealed_private', 'SELECT')
                    """)
                return (privileges.bool(0, 0), privileges.bool(0, 1))
            }
        } catch .busy(let message) {
            throw .unusable(message.replacingOccurrences(of: "; try again", with: ""))
        }
    }

    /// Runs `body` on a pooled connection (reads).
    func read<T>(_ body: (PGConnection) throws -> T) throws(StoreError) -> T {
        try pool.withConnection(body)
    }

    /// Runs `body` in one write transaction.
    func write<T>(_ body: (PGConnection) throws -> T) throws(StoreError) -> T {
        try pool.transaction(body)
    }

    /// The schema version recorded in the database.
    public func schemaVersion() throws(StoreError) -> Int {
        try read { db in try db.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").int(0, 0) }
    }

    // MARK: Audit and revocation helpers used inside transactions

    func insertAudit(_ db: PGConnection, _ entry: AuditEntry) throws {
        try db.query(
            "INSERT INTO audit (at, actor, action, target, reason, detail) VALUES ($1, $2, $3, $4, $5, $6)",
            [.double(entry.at), .text(entry.actor), .text(entry.action.rawValue), .text(entry.target), .text(entry.reason), .text(entry.detail)])
    }

    /// Appends a feed event. The feed lock is held until the transaction ends, so no other
    /// writer takes a sequence number before this one is committed (or rolled back).
    func insertRevocation(_ db: PGConnection, kind: RevocationKind, target: String, at: Double, expiresAt: Double) throws {
        try insertRevocations(db, kind: kind, targets: [target], at: at, expiresAt: expiresAt)
    }

    /// Appends one feed event per target, in the targets' order, with one statement and one
    /// notification (of the last sequence number).
    func insertRevocations(_ db: PGConnection, kind: RevocationKind, targets: [String], at: Double, expiresAt: Double) throws {
        guard !targets.isEmpty else { return }
        try db.query("SELECT pg_advisory_xact_lock($1)", [.int(PostgresSchema.feedLock)])
        let result = try db.query(
            """
            INSERT INTO revocations (kind, target, at, expires_at)
            SELECT $1, v.target, $3, $4 FROM unnest($2::text[]) WITH ORDINALITY AS v(target, n) ORDER BY v.n RETURNING seq
            """, [.text(kind.rawValue), PGValue.array(targets.map { .text($0) }), .double(at), .double(expiresAt)])
        let last = (0..<result.rowCount).map { result.int64($0, 0) }.max() ?? 0
        try db.query("SELECT pg_notify($1, $2)", [.text(PostgresSchema.feedChannel), .text(String(last))])
    }

    public func appendAudit(_ entry: AuditEntry) throws(StoreError) {
        try write { db in try insertAudit(db, entry) }
    }

    public func auditEntries(limit: Int, before: (at: Double, id: Int64)?) throws(StoreError) -> [AuditEntry] {
        let at = before?.at ?? Double.greatestFiniteMagnitude
        let id = before?.id ?? Int64.max
        return try read { db in
            let result = try db.query(
                """
                SELECT id, at, actor, action, target, reason, detail FROM audit
                WHERE at < $1 OR (at = $1 AND id < $2) ORDER BY at DESC, id DESC LIMIT $3
                """, [.double(at), .int(id), .int(Int64(limit))])
            return Self.auditEntries(result)
        }
    }

    /// The audit entries of a result of `id, at, actor, action, target, reason, detail`.
    static func auditEntries(_ result: PGResult) -> [AuditEntry] {
        result.map { row in
            AuditEntry(
                id: result.int64(row, 0), at: result.double(row, 1), actor: result.text(row, 2),
                action: AuditAction(rawValue: result.text(row, 3)), target: result.text(row, 4),
                reason: result.text(row, 5), detail: result.text(row, 6))
        }
    }

    public func revokeTokenID(_ jti: String, expiresAt: Double, audit: AuditContext) throws(StoreError) {
        try write { db in
            try insertRevocation(db, kind: .jti, target: jti, at: audit.at, expiresAt: expiresAt)
            try insertAudit(db, AuditEntry(at: audit.at, actor: audit.actor, action: .tokenRevoke, target: jti, reason: audit.reason))
        }
    }

    public func revocationHead() throws(StoreError) -> Int64 {
        try read { db in try db.query("SELECT COALESCE(MAX(seq), 0) FROM revocations", []).int64(0, 0) }
    }

    public func revocations(after: Int64, limit: Int) throws(StoreError) -> [RevocationEvent] {
        try read { db in
            let result = try db.query(
                "SELECT seq, kind, target, at, expires_at FROM revocations WHERE seq > $1 ORDER BY seq LIMIT $2",
                [.int(after), .int(Int64(limit))])
            return result.map { row in
                RevocationEvent(
                    sequence: result.int64(row, 0), kind: RevocationKind(rawValue: result.text(row, 1)) ?? .session,
                    target: result.text(row, 2), at: result.double(row, 3), expiresAt: result.double(row, 4))
            }
        }
    }

    public func pruneRevocations(at now: Double) throws(StoreError) -> Int {
        try write { db in
            try db.query("DELETE FROM revocations WHERE expires_at <= $1", [.double(RevocationRetention.dropHorizon(at: now))]).changed
        }
    }

    public func revocationVerdict(sessionID: String?, tokenID: String?, user: String?, issuedAt: Double?, kid: String?) throws(StoreError)
        -> RevocationVerdict?
    {
        try read { db -> RevocationVerdict? in
            if let kid, try db.query("SELECT 1 FROM signing_keys WHERE kid = $1 AND state = 'revoked'", [.text(kid)]).rowCount > 0 {
                return .key(kid)
            }
            if let user {
                let result = try db.query("SELECT not_before FROM users WHERE lower(name) = lower($1)", [.text(user)])
                if result.rowCount > 0, let cutoff = result.optionalDouble(0, 0), UserCutoff.revokes(issuedAt: issuedAt, cutoff: cutoff) {
                    return .userCutoff(user, cutoff)
                }
            }
            if let sessionID {
                let revoked = try db.query(
                    """
                    SELECT 1 FROM sessions WHERE id = $1 AND revoked_at IS NOT NULL
                    UNION ALL SELECT 1 FROM revocations WHERE kind = 'session' AND target = $1 LIMIT 1
                    """, [.text(sessionID)])
                if revoked.rowCount > 0 { return .session(sessionID) }
            }
            if let tokenID, try db.query("SELECT 1 FROM revocations WHERE kind = 'jti' AND target = $1 LIMIT 1", [.text(tokenID)]).rowCount > 0 {
                return .tokenID(tokenID)
            }
            return nil
        }
    }
}
