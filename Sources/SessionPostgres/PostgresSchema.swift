import SessionCore

/// The PostgreSQL store's migrations, recorded in `schema_migrations` and applied under an
/// advisory lock, so several instances starting together migrate exactly once.
///
/// Times are `double precision` seconds since the epoch, as in the SQLite store. Ids and
/// every text a listing sorts by compare in the `C` collation (byte order, ASCII case folded
/// by `lower`), so both stores list in the same order and prefix filters use the same
/// indexes as the sort.
enum PostgresSchema {
    struct Migration {
        let version: Int
        let name: String
        let sql: String
    }

    /// The advisory lock key migrations hold (an arbitrary constant of this product).
    static let migrationLock: Int64 = 0x5E55_1011
    /// Held by every transaction that appends to the revocation feed, until it commits:
    /// appends are serialised, so sequence numbers become visible in order and a follower
    /// reading `seq > N` never skips one.
    static let feedLock: Int64 = 0x5E55_1012
    /// Held by every change of the signing keys (one decision at a time).
    static let keysLock: Int64 = 0x5E55_1013
    /// Held while one instance runs housekeeping.
    static let upkeepLock: Int64 = 0x5E55_1014
    /// The channel `NOTIFY` announces new revocation events on.
    static let feedChannel = "session_revocations"

    static var latestVersion: Int { migrations.last!.version }

    /// The secondary indexes of the bulk tables, created after the migrations when missing
    /// (`ensureIndexes`). Each listing order's index ends in `id`, the tie-breaker; text
    /// columns are indexed lower-cased in the `C` collation, as listings sort and filter
    /// them; the idle-end index carries `revoked_at`, so the header counts read indexes only.
    /// A bulk import into an empty store drops them and builds each once at the end.
    static let bulkIndexes: [(name: String, sql: String)] = [
        ("sessions_by_created", "CREATE INDEX IF NOT EXISTS sessions_by_created ON sessions (created_at DESC, id DESC)"),
        ("sessions_by_last_used", "CREATE INDEX IF NOT EXISTS sessions_by_last_used ON sessions (last_used_at DESC, id DESC)"),
        ("sessions_by_user", "CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions ((lower(user_name) COLLATE \"C\"), id)"),
        ("sessions_by_ip", "CREATE INDEX IF NOT EXISTS sessions_by_ip ON sessions ((lower(ip) COLLATE \"C\"), id)"),
        ("sessions_by_client", "CREATE INDEX IF NOT EXISTS sessions_by_client ON sessions ((lower(client) COLLATE \"C\"), id)"),
        ("sessions_by_user_agent", "CREATE INDEX IF NOT EXISTS sessions_by_user_agent ON sessions ((lower(user_agent) COLLATE \"C\"), id)"),
        ("sessions_by_idle_end", "CREATE INDEX IF NOT EXISTS sessions_by_idle_end ON sessions (idle_expires_at, revoked_at, id)"),
        ("sessions_by_revoked", "CREATE INDEX IF NOT EXISTS sessions_by_revoked ON sessions (revoked_at) WHERE revoked_at IS NOT NULL"),
        (
            "sessions_revoked_by_created",
            "CREATE INDEX IF NOT EXISTS sessions_revoked_by_created ON sessions (created_at DESC, id DESC) WHERE revoked_at IS NOT NULL"
        ),
        ("refresh_by_session", "CREATE INDEX IF NOT EXISTS refresh_by_session ON refresh_tokens (session_id, issued_at)"),
        (
            "refresh_rotations_by_time",
            "CREATE INDEX IF NOT EXISTS refresh_rotations_by_time ON refresh_tokens (issued_at) WHERE parent_hash IS NOT NULL"
        ),
    ]

    /// Creates any missing bulk index (cheap when they all exist; needs the owner's rights
    /// only when one is missing).
    static func ensureIndexes(_ connection: PGConnection) throws {
        let present = try connection.query("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
        let names = Set(present.map { present.text($0, 0) })
        for index in bulkIndexes where !names.contains(index.name) {
            do {
                try connection.execute(index.sql)
            } catch {
                if error.isPermissionDenied { return }  // not the owner: the owner's next start builds it
                throw error
            }
        }
    }

    static let migrations: [Migration] = [
        Migration(
            version: 1, name: "sessions, refresh families, keys, revocations, audit, clients, login attempts",
            sql: """
                CREATE TABLE users (
                  name text COLLATE "C" PRIMARY KEY,
                  password_hash text NOT NULL,
                  created_at double precision NOT NULL,
                  disabled boolean NOT NULL DEFAULT false,
                  not_before double precision
                );
                CREATE UNIQUE INDEX users_by_lower_name ON users ((lower(name)));

                CREATE TABLE sessions (
                  id text COLLATE "C" PRIMARY KEY,
                  user_name text NOT NULL,
                  client text NOT NULL,
                  ip text NOT NULL,
                  user_agent text NOT NULL,
                  created_at double precision NOT NULL,
                  last_used_at double precision NOT NULL,
                  expires_at double precision NOT NULL,
                  idle_expires_at double precision NOT NULL,
                  revoked_at double precision,
                  revoke_reason text,
                  revoked_by text,
                  rotations integer NOT NULL DEFAULT 0,
                  CHECK (idle_expires_at <= expires_at)
                );

                CREATE TABLE refresh_tokens (
                  hash bytea PRIMARY KEY,
                  session_id text COLLATE "C" NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
                  parent_hash bytea,
                  issued_at double precision NOT NULL,
                  issued_ip text NOT NULL,
                  spent_at double precision,
                  successor_hash bytea,
                  reused_at double precision
                );

                CREATE TABLE signing_keys (
                  kid text COLLATE "C" PRIMARY KEY,
                  alg text NOT NULL,
                  state text NOT NULL CHECK (state IN ('next', 'active', 'retiring', 'retired', 'revoked')),
                  created_at double precision NOT NULL,
                  activated_at double precision,
                  retiring_at double precision,
                  retired_at double precision,
                  revoked_at double precision,
                  public_jwk text NOT NULL,
                  sealed_private bytea NOT NULL
                );
                CREATE UNIQUE INDEX exactly_one_active_key ON signing_keys (state) WHERE state = 'active';

                CREATE TABLE revocations (
                  seq bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                  kind text NOT NULL CHECK (kind IN ('key', 'user', 'session', 'jti')),
                  target text NOT NULL,
                  at double precision NOT NULL,
                  expires_at double precision NOT NULL
                );
                CREATE INDEX revocations_by_target ON revocations (kind, target);

                CREATE TABLE audit (
                  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                  at double precision NOT NULL,
                  actor text NOT NULL,
                  action text NOT NULL,
                  target text NOT NULL,
                  reason text NOT NULL DEFAULT '',
                  detail text NOT NULL DEFAULT ''
                );
                CREATE INDEX audit_by_time ON audit (at DESC, id DESC);
                CREATE FUNCTION audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                  BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
                CREATE TRIGGER audit_refuses_update BEFORE UPDATE OR DELETE ON audit
                  FOR EACH ROW EXECUTE FUNCTION audit_is_append_only();
                CREATE TRIGGER audit_refuses_truncate BEFORE TRUNCATE ON audit
                  FOR EACH STATEMENT EXECUTE FUNCTION audit_is_append_only();

                CREATE TABLE clients (
                  id text COLLATE "C" PRIMARY KEY,
                  secret_hash text,
                  created_at double precision NOT NULL
                );

                CREATE TABLE login_attempts (
                  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                  user_name text NOT NULL,
                  address text NOT NULL,
                  at double precision NOT NULL,
                  counts_for_user boolean NOT NULL DEFAULT true,
                  outcome text NOT NULL DEFAULT 'pending' CHECK (outcome IN ('pending', 'failed'))
                );
                CREATE INDEX login_attempts_by_user ON login_attempts (user_name, at);
                CREATE INDEX login_attempts_by_address ON login_attempts (address, at);
                CREATE INDEX login_attempts_by_time ON login_attempts (at);
                """),
        Migration(
            version: 2, name: "verifier registry: what each verifier instance last reported",
            sql: """
                CREATE TABLE verifiers (
                  service text NOT NULL,
                  instance text NOT NULL,
                  feed_seq bigint,
                  kids text NOT NULL,
                  version text NOT NULL,
                  client text,
                  address text NOT NULL,
                  first_seen double precision NOT NULL,
                  last_seen double precision NOT NULL,
                  PRIMARY KEY (service, instance)
                );
                CREATE INDEX verifiers_by_last_seen ON verifiers (last_seen);
                """),
        Migration(
            version: 3, name: "audit by target, for one user's trail",
            sql: "CREATE INDEX audit_by_target ON audit (target, at DESC, id DESC);"),
    ]

    /// Applies the missing migrations under the migration lock; refuses a schema newer than
    /// this program and a database whose tables are not ours, having written nothing.
    static func migrate(_ connection: PGConnection, display: String) throws -> Int {
        try connection.query("SELECT pg_advisory_lock($1)", [.int(migrationLock)])
        let result = Result { try migrateLocked(connection, display: display) }
        _ = try? connection.query("SELECT pg_advisory_unlock($1)", [.int(migrationLock)])
        return try result.get()
    }

    private static func migrateLocked(_ connection: PGConnection, display: String) throws -> Int {
        let hasLedger = try connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL").bool(0, 0)
        if !hasLedger {
            let foreign = try connection.query("SELECT to_regclass('sessions') IS NOT NULL OR to_regclass('users') IS NOT NULL").bool(0, 0)
            if foreign { throw StoreError.unusable("\(display) is not a sessions store (it has tables of another program)") }
            try connection.execute(
                "CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at double precision NOT NULL)")
        }
        let applied = try connection.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").int(0, 0)
        if applied > latestVersion {
            throw StoreError.unusable("store \(display) has schema version \(applied), newer than this program (\(latestVersion)): upgrade sessionctl")
        }
        for migration in migrations where migration.version > applied {
            try apply(migration, connection)
        }
        try checkColumns(connection, display: display)
        try ensureIndexes(connection)
        return max(applied, latestVersion)
    }

    private static func apply(_ migration: Migration, _ connection: PGConnection) throws {
        try connection.execute("BEGIN")
        do {
            try connection.execute(migration.sql)
            try connection.query(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, extract(epoch FROM clock_timestamp()))",
                [.int(Int64(migration.version)), .text(migration.name)])
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }

    /// A database with tables of the same names but other columns is not ours either.
    private static func checkColumns(_ connection: PGConnection, display: String) throws {
        do {
            try connection.query("SELECT id, user_name, idle_expires_at, rotations FROM sessions LIMIT 0")
            try connection.query("SELECT seq, kind, target, at, expires_at FROM revocations LIMIT 0")
        } catch {
            if error.sqlState == "42703" { throw StoreError.unusable("\(display) is not a sessions store (\(error.message))") }
            throw error
        }
    }
}
