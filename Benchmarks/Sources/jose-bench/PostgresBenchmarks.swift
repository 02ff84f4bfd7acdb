import CBenchPostgres
import Foundation
import JOSE
import SessionCore
import SessionDemo
import SessionPostgres

/// The PostgreSQL store against raw libpq sending the same statements, on the server
/// `make bench` starts (`BENCH_POSTGRES`, an administrative URI).
enum PostgresBenchmarks {
    /// A fresh database on the benchmark server; its URI.
    static func database(_ admin: String, _ name: String) throws -> String {
        let connection = PQconnectdb(admin)
        defer { PQfinish(connection) }
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        PQclear(PQexec(connection, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"))
        PQclear(PQexec(connection, "CREATE DATABASE \(name)"))
        var parts = URLComponents(string: admin)!
        parts.path = "/" + name
        return parts.string!
    }

    /// A database of `sessions` demo sessions on the benchmark server, seeded once and kept;
    /// its URI.
    static func seeded(admin: String, sessions: Int) throws -> String {
        let name = "bench_seed_\(sessions)"
        var parts = URLComponents(string: admin)!
        parts.path = "/" + name
        let uri = parts.string!
        if let store = try? PostgresSessionStore(PostgresLocation(uri)), (try? store.counts().sessions) == sessions { return uri }
        FileHandle.standardError.write(Data("seeding \(sessions) sessions into PostgreSQL \(name) (once)…\n".utf8))
        _ = try database(admin, name)
        let store = try PostgresSessionStore(PostgresLocation(uri))
        let kek = try KeyEncryptionKey.load(environment: ["SESSION_KEK": String(repeating: "42", count: 32)], storePath: uri, create: false).key
        _ = try DemoSeeder(users: 500, sessions: sessions, seed: 42, now: Date().timeIntervalSince1970).run(store: store, kek: kek) { _, _, _ in }
        return uri
    }

    static func session(_ id: String, now: Double) -> SessionRecord {
        SessionRecord(
            id: id, user: "alice", client: "web", ip: "203.0.113.1", userAgent: "bench", createdAt: now, lastUsedAt: now,
            expiresAt: now + 86_400, idleExpiresAt: now + 86_400)
    }

    /// One rotation at a time through `PostgresSessionStore` and by hand with libpq (the same
    /// transaction: the locking SELECT, UPDATE spent, INSERT successor, UPDATE session), and
    /// the store's group commit of 32; each alternated, best of several rounds.
    static func rotation(admin: String) throws -> (store: Double, raw: Double, grouped: Double) {
        let uri = try database(admin, "bench_rotation")
        let store = try PostgresSessionStore(PostgresLocation(uri), connections: 2)
        let now = Date().timeIntervalSince1970
        var current = SecureRandom.bytes(32)
        try store.createSession(session("bench", now: now), refreshTokenHash: HashFunction.sha256.hash(current))
        let policy = RefreshPolicy()
        let storeRound = { () throws -> Double in
            try opsPerSecond(rounds: 1, seconds: 1) {
                let next = SecureRandom.bytes(32)
                let outcome = try store.rotateRefreshToken(
                    presentedHash: HashFunction.sha256.hash(current), successorHash: HashFunction.sha256.hash(next), ip: "203.0.113.1", at: now,
                    policy: policy)
                guard case .rotated = outcome else { fatalError("rotation failed: \(outcome)") }
                current = next
            }
        }

        let raw = RawRotation(uri: uri, now: now)
        let rawRound = { () -> Double in opsPerSecond(rounds: 1, seconds: 1) { raw.rotate() } }

        var batchTokens = try (0..<32).map { index -> [UInt8] in
            let token = SecureRandom.bytes(32)
            try store.createSession(session("group-\(index)", now: now), refreshTokenHash: HashFunction.sha256.hash(token))
            return token
        }
        let groupRound = { () throws -> Double in
            try opsPerSecond(rounds: 1, seconds: 1) {
                let next = (0..<32).map { _ in SecureRandom.bytes(32) }
                let requests = (0..<32).map {
                    RefreshPresentation(
                        presentedHash: HashFunction.sha256.hash(batchTokens[$0]), successorHash: HashFunction.sha256.hash(next[$0]), ip: "203.0.113.1",
                        at: now, policy: policy)
                }
                for result in try store.rotateRefreshTokens(requests) {
                    guard case .success(.rotated) = result else { fatalError("group rotation failed: \(result)") }
                }
                batchTokens = next
            } * 32
        }
        var storeRate = 0.0, rawRate = 0.0, groupRate = 0.0
        for _ in 0..<3 {
            rawRate = max(rawRate, rawRound())
            storeRate = max(storeRate, try storeRound())
            groupRate = max(groupRate, try groupRound())
        }
        return (storeRate, rawRate, groupRate)
    }
}

/// The rotation transaction by hand: prepared statements, binary `bytea` parameters.
final class RawRotation {
    private let connection: OpaquePointer
    private var current: [UInt8]
    private let now: Double

    init(uri: String, now: Double) {
        connection = PQconnectdb(uri)
        precondition(PQstatus(connection) == CONNECTION_OK, "raw libpq: cannot connect")
        self.now = now
        current = SecureRandom.bytes(32)
        let hash = HashFunction.sha256.hash(current)
        exec(
            "INSERT INTO sessions (id, user_name, client, ip, user_agent, created_at, last_used_at, expires_at, idle_expires_at) "
                + "VALUES ('raw', 'alice', 'web', '203.0.113.1', 'bench', \(now), \(now), \(now + 86_400), \(now + 86_400))")
        run("INSERT INTO refresh_tokens (hash, session_id, issued_at, issued_ip) VALUES ($1, 'raw', $2, '203.0.113.1')", [.bytes(hash), .text("\(now)")])
        for (name, sql) in [
            ("lock", "SELECT t.spent_at, s.revoked_at FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id WHERE t.hash = $1 FOR UPDATE OF t, s"),
            ("spend", "UPDATE refresh_tokens SET spent_at = $1, successor_hash = $2 WHERE hash = $3 AND spent_at IS NULL"),
            ("insert", "INSERT INTO refresh_tokens (hash, session_id, parent_hash, issued_at, issued_ip) VALUES ($1, 'raw', $2, $3, '203.0.113.1')"),
            ("touch", "UPDATE sessions SET last_used_at = $1, idle_expires_at = $2, rotations = rotations + 1, ip = $3 WHERE id = 'raw'"),
        ] {
            PQclear(PQprepare(connection, name, sql, 0, nil))
        }
    }

    deinit { PQfinish(connection) }

    enum Value { case text(String), bytes([UInt8]) }

    private func exec(_ sql: String) { PQclear(PQexec(connection, sql)) }

    @discardableResult
    private func run(_ sql: String, _ values: [Value], prepared: Bool = false) -> Int {
        var buffers: [[CChar]] = values.map { value in
            switch value {
            case .text(let text): return Array(text.utf8CString)
            case .bytes(let bytes): return bytes.map { CChar(bitPattern: $0) }
            }
        }
        let lengths = values.map { value -> Int32 in if case .bytes(let b) = value { Int32(b.count) } else { 0 } }
        let formats = values.map { value -> Int32 in if case .bytes = value { 1 } else { 0 } }
        let result: OpaquePointer? = buffers.withUnsafeMutableBufferPointer { storage in
            var pointers = storage.map { buffer in buffer.withUnsafeBufferPointer { UnsafePointer($0.baseAddress) } }
            return pointers.withUnsafeMutableBufferPointer { values in
                prepared
                    ? PQexecPrepared(connection, sql, Int32(values.count), values.baseAddress, lengths, formats, 0)
                    : PQexecParams(connection, sql, Int32(values.count), nil, values.baseAddress, lengths, formats, 0)
            }
        }
        let changed = Int(String(cString: PQcmdTuples(result))) ?? 0
        let status = PQresultStatus(result)
        precondition(status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK, "raw libpq: \(String(cString: PQresultErrorMessage(result)))")
        PQclear(result)
        return changed
    }

    func rotate() {
        let next = SecureRandom.bytes(32)
        let presented = HashFunction.sha256.hash(current), successor = HashFunction.sha256.hash(next)
        exec("BEGIN")
        run("lock", [.bytes(presented)], prepared: true)
        precondition(run("spend", [.text("\(now)"), .bytes(successor), .bytes(presented)], prepared: true) == 1)
        run("insert", [.bytes(successor), .bytes(presented), .text("\(now)")], prepared: true)
        run("touch", [.text("\(now)"), .text("\(now + 86_400)"), .text("203.0.113.1")], prepared: true)
        exec("COMMIT")
        current = next
    }
}
