import Foundation
public import SessionCore
public import JOSE

/// The embedded store: a `SessionStore` on one SQLite file (WAL).
///
/// One connection, serialised by a lock, so the class is safe to share between threads;
/// other processes coordinate through SQLite's file locks (`BEGIN IMMEDIATE` plus a busy
/// timeout). Every mutating call is one transaction.
public final class SQLiteSessionStore: SessionStore, @unchecked Sendable {
    // `connection` is only touched while `lock` is held.
    let connection: SQLiteConnection
    private let lock = NSLock()
    /// Plan answers for filter clauses; only touched while `lock` is held.
    var planMemo = PlanMemo()
    public let lifetimes: TokenLifetimes
    /// The database file.
    public let path: String
    /// The background checkpointer, when the store was opened with one (set only in init;
    /// it stops its thread when the store releases it).
    private var checkpointer: WALCheckpointer?
    /// False when opened read-only: the connection itself refuses every write.
    public let canWrite: Bool

    /// Opens the store at `path`, creating it when `create` is true, and migrates it.
    ///
    /// Throws `.unusable` with one line naming the problem, having written nothing, for: a
    /// missing parent folder, a missing file (when `create` is false), a file that is not
    /// SQLite or is corrupt, a read-only file, or a schema newer than this program.
    /// `checkpoints` chooses who copies the write-ahead log into the file (see `WALCheckpoints`).
    /// `readOnly` opens the connection read-only (`SQLITE_OPEN_READONLY`): nothing is created,
    /// migrated or indexed, every write fails in SQLite itself, and a file without write
    /// permission is fine; a schema older than this program is then refused in one line.
    public init(
        path: String, create: Bool, readOnly: Bool = false, synchronous: SQLiteSynchronous = .normal,
        lifetimes: TokenLifetimes = TokenLifetimes(), checkpoints: WALCheckpoints = .automatic
    ) throws(StoreError) {
        self.path = path
        self.lifetimes = lifetimes
        canWrite = !readOnly
        let fileManager = FileManager.default
        if path != ":memory:" {
            let parent = (path as NSString).deletingLastPathComponent
            var isDirectory: ObjCBool = false
            if !parent.isEmpty, !fileManager.fileExists(atPath: parent, isDirectory: &isDirectory) || !isDirectory.boolValue {
                throw .unusable("cannot open store \(path): folder \(parent) does not exist")
            }
            if fileManager.fileExists(atPath: path, isDirectory: &isDirectory) {
                if isDirectory.boolValue { throw .unusable("cannot open store \(path): it is a folder") }
                // Permission bits as well as access(2): root may write anywhere, but a file
                // marked read-only is meant to stay unchanged.
                let mode = (try? fileManager.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? 0o600
                if !readOnly, !fileManager.isWritableFile(atPath: path) || mode & 0o222 == 0 {
                    throw .unusable("store \(path) is read-only (sessionctl needs write access)")
                }
            } else if !create || readOnly {
                throw .unusable("no store at \(path) (create one with `sessionctl demo seed --db \(path)` or `sessionctl keys rotate --db \(path)`)")
            } else if !parent.isEmpty, !fileManager.isWritableFile(atPath: parent) {
                throw .unusable("cannot create store \(path): folder \(parent) is read-only")
            }
        }
        do {
            connection = try SQLiteConnection(path: path, create: create && !readOnly, readOnly: readOnly, synchronous: synchronous)
        } catch {
            throw Self.describe(error, path: path)
        }
        if readOnly {
            try checkSchema()
            return
        }
        try migrate()
        try ensureIndexes()
        if case .background(let interval) = checkpoints, path != ":memory:" {
            do {
                try connection.execute("PRAGMA wal_autocheckpoint=\(WALCheckpointer.backstopPages)")
                try connection.execute("PRAGMA journal_size_limit=\(WALCheckpointer.journalSizeLimit)")
                checkpointer = try WALCheckpointer(path: path, interval: interval)
            } catch {
                throw Self.describe(error, path: path)
            }
        }
    }

    /// Creates any missing bulk index (idempotent; cheap when they all exist).
    func ensureIndexes() throws(StoreError) {
        try withConnection { db in
            let present = Set(try db.query("SELECT name FROM sqlite_master WHERE type = 'index'") { $0.text(0) })
            let missing = Schema.bulkIndexes.filter { !present.contains($0.name) }
            guard !missing.isEmpty else { return }
            try db.transaction { for index in missing { try db.execute(index.sql) } }
            // Sampled statistics so the planner knows the new indexes (a bounded scan) -
            // only once there is data: statistics of empty tables would mislead it later.
            if try db.scalarInt("SELECT COUNT(*) FROM (SELECT 1 FROM sessions LIMIT 1000)") >= 1000 {
                try db.execute("PRAGMA analysis_limit=1000")
                try db.execute("ANALYZE")
            }
        }
    }

    public func prepareBulkImport() throws(StoreError) {
        try withConnection { db in
            guard try db.scalarInt("SELECT COUNT(*) FROM (SELECT 1 FROM sessions LIMIT 1)") == 0 else { return }
            // Foreign keys need the parent's unique index; the import writes parents first.
            try db.execute("PRAGMA foreign_keys=OFF")
            try db.execute("PRAGMA wal_autocheckpoint=20000")
            try db.execute("PRAGMA cache_size=-262144")  // 256 MiB while importing
            try db.transaction { for index in Schema.bulkIndexes { try db.execute("DROP INDEX IF EXISTS \(index.name)") } }
        }
    }

    public func finishBulkImport() throws(StoreError) {
        // Index builds sort: in memory, with a helper thread.
        try withConnection { db in
            try db.execute("PRAGMA threads=2")
            try db.execute("PRAGMA temp_store=MEMORY")
        }
        try ensureIndexes()
        try withConnection { db in
            try db.execute("PRAGMA threads=0")
            try db.execute("PRAGMA temp_store=DEFAULT")
            try db.execute("PRAGMA wal_autocheckpoint=1000")
            try db.execute("PRAGMA cache_size=-8192")
            try db.execute("PRAGMA foreign_keys=ON")
            // Sampled statistics for the planner: a bounded scan, not a full one.
            try db.execute("PRAGMA analysis_limit=1000")
            try db.execute("ANALYZE")
        }
    }

    /// Maps an SQLite error on this file to a one-line `StoreError`.
    static func describe(_ error: SQLiteError, path: String) -> StoreError {
        if error.isNotADatabase { return .unusable("\(path) is not a SQLite database") }
        if error.isCorrupt { return .unusable("store \(path) is corrupt (\(error.message))") }
        if error.isReadOnly { return .unusable("store \(path) is read-only (sessionctl needs write access)") }
        if error.isBusy { return .busy("store \(path) is locked by another process; try again") }
        if error.isCannotOpen { return .unusable("cannot open store \(path): \(error.message)") }
        return .unusable("store \(path): \(error.message)")
    }

    /// For a read-only store: the schema must be this program's, since it cannot migrate.
    private func checkSchema() throws(StoreError) {
        let version = try withConnection { db in Int(try db.scalarInt("PRAGMA user_version")) }
        if version > Schema.latestVersion {
            throw .unusable("store \(path) has schema version \(version), newer than this program understands (\(Schema.latestVersion)); upgrade sessionctl")
        }
        if version < Schema.latestVersion {
            throw .unusable(
                "store \(path) has schema version \(version), older than this program's (\(Schema.latestVersion)): open it once with write access to migrate it"
            )
        }
    }

    private func migrate() throws(StoreError) {
        try withConnection { db in
            let version = Int(try db.scalarInt("PRAGMA user_version"))
            if version > Schema.latestVersion {
                throw StoreError.unusable(
                    "store \(path) has schema version \(version), newer than this program understands (\(Schema.latestVersion)); upgrade sessionctl")
            }
            guard version < Schema.latestVersion else { return }
            try db.transaction {
                try db.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at REAL NOT NULL) STRICT")
                for migration in Schema.migrations where migration.version > version {
                    try db.execute(migration.sql)
                    try db.run(
                        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                        [.integer(Int64(migration.version)), .text(migration.name), .real(SystemClock.now())])
                }
                try db.execute("PRAGMA user_version = \(Schema.latestVersion)")
            }
        }
    }

    /// Runs `body` with the connection under the lock, mapping SQLite errors to
    /// `StoreError` (store errors thrown by `body` pass through).
    func withConnection<T>(_ body: (SQLiteConnection) throws -> T) throws(StoreError) -> T {
        lock.lock()
        defer { lock.unlock() }
        do {
            return try body(connection)
        } catch let error as StoreError {
            throw error
        } catch let error as SQLiteError {
            throw Self.describe(error, path: path)
        } catch {
            throw .unusable("store \(path): \(error)")
        }
    }

    /// Runs `body` in one write transaction under the lock.
    func write<T>(_ body: (SQLiteConnection) throws -> T) throws(StoreError) -> T {
        try withConnection { db in try db.transaction { try body(db) } }
    }

    /// The schema version recorded in the file.
    public func schemaVersion() throws(StoreError) -> Int {
        try withConnection { db in Int(try db.scalarInt("PRAGMA user_version")) }
    }

    /// `PRAGMA integrity_check`'s verdict: "ok" for a healthy file.
    public func integrityCheck() throws(StoreError) -> String {
        try withConnection { db in try db.scalarText("PRAGMA integrity_check") }
    }

    // MARK: Audit and revocation helpers used inside transactions

    func insertAudit(_ db: SQLiteConnection, _ entry: AuditEntry) throws {
        try db.run(
            "INSERT INTO audit (at, actor, action, target, reason, detail) VALUES (?, ?, ?, ?, ?, ?)",
            [.real(entry.at), .text(entry.actor), .text(entry.action.rawValue), .text(entry.target), .text(entry.reason), .text(entry.detail)])
    }

    func insertRevocation(_ db: SQLiteConnection, kind: RevocationKind, target: String, at: Double, expiresAt: Double) throws {
        try db.run(
            "INSERT INTO revocations (kind, target, at, expires_at) VALUES (?, ?, ?, ?)",
            [.text(kind.rawValue), .text(target), .real(at), .real(expiresAt)])
    }

    public func appendAudit(_ entry: AuditEntry) throws(StoreError) {
        try write { db in try insertAudit(db, entry) }
    }

    public func auditEntries(limit: Int, before: (at: Double, id: Int64)?) throws(StoreError) -> [AuditEntry] {
        let at = before?.at ?? Double.greatestFiniteMagnitude
        let id = before?.id ?? Int64.max
        return try withConnection { db in
            try db.query(
                """
                SELECT id, at, actor, action, target, reason, detail FROM audit
                WHERE at < ? OR (at = ? AND id < ?) ORDER BY at DESC, id DESC LIMIT ?
                """, [.real(at), .real(at), .integer(id), .integer(Int64(limit))], Self.auditEntry)
        }
    }

    /// An audit entry from a row of `id, at, actor, action, target, reason, detail`.
    static func auditEntry(_ row: SQLiteStatement) -> AuditEntry {
        AuditEntry(
            id: row.int64(0), at: row.double(1), actor: row.text(2), action: AuditAction(rawValue: row.text(3)), target: row.text(4),
            reason: row.text(5), detail: row.text(6))
    }

    public func revokeTokenID(_ jti: String, expiresAt: Double, audit: AuditContext) throws(StoreError) {
        try write { db in
            try insertRevocation(db, kind: .jti, target: jti, at: audit.at, expiresAt: expiresAt)
            try insertAudit(db, AuditEntry(at: audit.at, actor: audit.actor, action: .tokenRevoke, target: jti, reason: audit.reason))
        }
    }

    public func revocationHead() throws(StoreError) -> Int64 {
        try withConnection { db in try db.scalarInt("SELECT COALESCE(MAX(seq), 0) FROM revocations") }
    }

    public func revocations(after: Int64, limit: Int) throws(StoreError) -> [RevocationEvent] {
        try withConnection { db in
            try db.query(
                "SELECT seq, kind, target, at, expires_at FROM revocations WHERE seq > ? ORDER BY seq LIMIT ?",
                [.integer(after), .integer(Int64(limit))]
            ) { row in
                RevocationEvent(
                    sequence: row.int64(0), kind: RevocationKind(rawValue: row.text(1)) ?? .session,
                    target: row.text(2), at: row.double(3), expiresAt: row.double(4))
            }
        }
    }

    public func revocationVerdict(sessionID: String?, tokenID: String?, user: String?, issuedAt: Double?, kid: String?) throws(StoreError) -> RevocationVerdict?
    {
        try withConnection { db -> RevocationVerdict? in
            if let kid, try db.scalarText("SELECT state FROM signing_keys WHERE kid = ?", [.text(kid)]) == KeyState.revoked.rawValue {
                return .key(kid)
            }
            if let user {
                let statement = try db.statement("SELECT not_before FROM users WHERE name = ?", [.text(user)])
                if try statement.step(), let cutoff = statement.optionalDouble(0), UserCutoff.revokes(issuedAt: issuedAt, cutoff: cutoff) {
                    try statement.run()
                    return .userCutoff(user, cutoff)
                }
                try statement.run()
            }
            if let sessionID {
                if try db.scalarInt("SELECT COUNT(*) FROM sessions WHERE id = ? AND revoked_at IS NOT NULL", [.text(sessionID)]) > 0
                    || db.scalarInt("SELECT COUNT(*) FROM revocations WHERE kind = 'session' AND target = ?", [.text(sessionID)]) > 0
                {
                    return .session(sessionID)
                }
            }
            if let tokenID, try db.scalarInt("SELECT COUNT(*) FROM revocations WHERE kind = 'jti' AND target = ?", [.text(tokenID)]) > 0 {
                return .tokenID(tokenID)
            }
            return nil
        }
    }
}
