/// The store's migrations, applied in order and recorded in `schema_migrations`;
/// `PRAGMA user_version` holds the latest applied version.
enum Schema {
    struct Migration {
        let version: Int
        let name: String
        let sql: String
    }

    static var latestVersion: Int { migrations.last!.version }

    /// Secondary indexes on the bulk tables. Each sort column's index ends in `id`, the
    /// tie-breaker, so every listing order is one index walk however many rows share a value. A bulk import into an empty store drops them
    /// and builds them once at the end (a sort, instead of a million random inserts);
    /// opening a store re-creates any that a crashed import left missing.
    /// Built the first time a listing sorts by user agent (long strings: the most expensive
    /// index to build, and the least used), not on every import.
    static let userAgentIndex = (
        name: "sessions_by_user_agent_id",
        sql: "CREATE INDEX IF NOT EXISTS sessions_by_user_agent_id ON sessions(user_agent COLLATE NOCASE, id)"
    )

    static let bulkIndexes: [(name: String, sql: String)] = [
        ("sessions_by_id", "CREATE UNIQUE INDEX IF NOT EXISTS sessions_by_id ON sessions(id)"),
        ("refresh_by_hash", "CREATE UNIQUE INDEX IF NOT EXISTS refresh_by_hash ON refresh_tokens(hash)"),
        ("sessions_by_created", "CREATE INDEX IF NOT EXISTS sessions_by_created ON sessions(created_at DESC, id DESC)"),
        ("sessions_by_ip_id", "CREATE INDEX IF NOT EXISTS sessions_by_ip_id ON sessions(ip COLLATE NOCASE, id)"),
        ("sessions_by_user_id", "CREATE INDEX IF NOT EXISTS sessions_by_user_id ON sessions(user COLLATE NOCASE, id)"),
        ("sessions_by_revoked", "CREATE INDEX IF NOT EXISTS sessions_by_revoked ON sessions(revoked_at) WHERE revoked_at IS NOT NULL"),
        ("refresh_by_session", "CREATE INDEX IF NOT EXISTS refresh_by_session ON refresh_tokens(session_id, issued_at)"),
        ("refresh_rotations_by_time", "CREATE INDEX IF NOT EXISTS refresh_rotations_by_time ON refresh_tokens(issued_at) WHERE parent_hash IS NOT NULL"),
        ("sessions_by_client_id", "CREATE INDEX IF NOT EXISTS sessions_by_client_id ON sessions(client COLLATE NOCASE, id)"),
        (
            "sessions_revoked_by_created",
            "CREATE INDEX IF NOT EXISTS sessions_revoked_by_created ON sessions(created_at DESC, id DESC) WHERE revoked_at IS NOT NULL"
        ),
        ("sessions_by_idle_end", "CREATE INDEX IF NOT EXISTS sessions_by_idle_end ON sessions(idle_expires_at, revoked_at, id)"),
        ("sessions_by_last_used", "CREATE INDEX IF NOT EXISTS sessions_by_last_used ON sessions(last_used_at DESC, id DESC)"),
    ]

    static let migrations: [Migration] = [
        Migration(
            version: 1, name: "sessions, refresh families, keys, revocations, audit",
            sql: """
                CREATE TABLE users (
                  name TEXT PRIMARY KEY COLLATE NOCASE,
                  password_hash TEXT NOT NULL,
                  created_at REAL NOT NULL,
                  disabled INTEGER NOT NULL DEFAULT 0,
                  not_before REAL
                ) STRICT;

                CREATE TABLE sessions (
                  id TEXT NOT NULL,
                  user TEXT NOT NULL,
                  client TEXT NOT NULL,
                  ip TEXT NOT NULL,
                  user_agent TEXT NOT NULL,
                  created_at REAL NOT NULL,
                  last_used_at REAL NOT NULL,
                  expires_at REAL NOT NULL,
                  idle_expires_at REAL NOT NULL,
                  revoked_at REAL,
                  revoke_reason TEXT,
                  revoked_by TEXT,
                  rotations INTEGER NOT NULL DEFAULT 0,
                  CHECK (idle_expires_at <= expires_at)
                ) STRICT;

                CREATE TABLE refresh_tokens (
                  hash BLOB NOT NULL,
                  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
                  parent_hash BLOB,
                  issued_at REAL NOT NULL,
                  issued_ip TEXT NOT NULL,
                  spent_at REAL,
                  successor_hash BLOB,
                  reused_at REAL
                ) STRICT;

                CREATE TABLE signing_keys (
                  kid TEXT PRIMARY KEY,
                  alg TEXT NOT NULL,
                  state TEXT NOT NULL CHECK (state IN ('next', 'active', 'retiring', 'retired', 'revoked')),
                  created_at REAL NOT NULL,
                  activated_at REAL,
                  retiring_at REAL,
                  retired_at REAL,
                  revoked_at REAL,
                  public_jwk TEXT NOT NULL,
                  sealed_private BLOB NOT NULL
                ) STRICT;
                CREATE UNIQUE INDEX exactly_one_active_key ON signing_keys(state) WHERE state = 'active';

                CREATE TABLE revocations (
                  seq INTEGER PRIMARY KEY AUTOINCREMENT,
                  kind TEXT NOT NULL CHECK (kind IN ('key', 'user', 'session', 'jti')),
                  target TEXT NOT NULL,
                  at REAL NOT NULL,
                  expires_at REAL NOT NULL
                ) STRICT;
                CREATE INDEX revocations_by_target ON revocations(kind, target);

                CREATE TABLE audit (
                  id INTEGER PRIMARY KEY AUTOINCREMENT,
                  at REAL NOT NULL,
                  actor TEXT NOT NULL,
                  action TEXT NOT NULL,
                  target TEXT NOT NULL,
                  reason TEXT NOT NULL DEFAULT '',
                  detail TEXT NOT NULL DEFAULT ''
                ) STRICT;
                CREATE INDEX audit_by_time ON audit(at DESC, id DESC);
                CREATE TRIGGER audit_refuses_update BEFORE UPDATE ON audit
                  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TRIGGER audit_refuses_delete BEFORE DELETE ON audit
                  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

                CREATE TABLE clients (
                  id TEXT PRIMARY KEY,
                  secret_hash TEXT,
                  created_at REAL NOT NULL
                ) STRICT;
                """),
        Migration(
            version: 2, name: "login attempts, reserved before the password is checked",
            sql: """
                CREATE TABLE login_attempts (
                  id INTEGER PRIMARY KEY AUTOINCREMENT,
                  user TEXT NOT NULL,
                  address TEXT NOT NULL,
                  at REAL NOT NULL,
                  counts_for_user INTEGER NOT NULL DEFAULT 1,
                  outcome TEXT NOT NULL DEFAULT 'pending' CHECK (outcome IN ('pending', 'failed'))
                ) STRICT;
                CREATE INDEX login_attempts_by_user ON login_attempts(user, at);
                CREATE INDEX login_attempts_by_address ON login_attempts(address, at);
                CREATE INDEX login_attempts_by_time ON login_attempts(at);
                """),
        Migration(
            version: 3, name: "verifier registry: what each verifier instance last reported",
            sql: """
                CREATE TABLE verifiers (
                  service TEXT NOT NULL,
                  instance TEXT NOT NULL,
                  feed_seq INTEGER,
                  kids TEXT NOT NULL,
                  version TEXT NOT NULL,
                  client TEXT,
                  address TEXT NOT NULL,
                  first_seen REAL NOT NULL,
                  last_seen REAL NOT NULL,
                  PRIMARY KEY (service, instance)
                ) STRICT;
                CREATE INDEX verifiers_by_last_seen ON verifiers(last_seen);
                """),
        Migration(
            version: 4, name: "audit by target, for one user's trail",
            sql: "CREATE INDEX audit_by_target ON audit(target, at DESC, id DESC);"),
    ]
}
