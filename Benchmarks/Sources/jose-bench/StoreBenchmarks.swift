import CBenchSQLite
import Foundation
import SessionCore
import SessionDemo
import JOSE
import SessionSQLite

/// Refresh rotation through the store against a raw SQLite UPDATE+INSERT transaction, and
/// the queries the console and verifiers run on a million-session store.
enum StoreBenchmarks {
    /// Rotations per second when the store commits `batchSize` presentations together
    /// (`rotateRefreshTokens`, what sessiond does under load), one session each.
    static func groupCommit(folder: String, batchSize: Int = 32) throws -> Double {
        let path = folder + "/group-commit.sqlite"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let store = try SQLiteSessionStore(path: path, create: true)
        let now = Date().timeIntervalSince1970
        var current: [[UInt8]] = []
        for index in 0..<batchSize {
            let token = SecureRandom.bytes(32)
            try store.createSession(
                SessionRecord(
                    id: "bench-\(index)", user: "alice", client: "web", ip: "203.0.113.1", userAgent: "bench",
                    createdAt: now, lastUsedAt: now, expiresAt: now + 86_400, idleExpiresAt: now + 86_400),
                refreshTokenHash: HashFunction.sha256.hash(token))
            current.append(token)
        }
        let policy = RefreshPolicy()
        let batches = try opsPerSecond(rounds: 3, seconds: 0.5) {
            let next = (0..<batchSize).map { _ in SecureRandom.bytes(32) }
            let requests = (0..<batchSize).map {
                RefreshPresentation(
                    presentedHash: HashFunction.sha256.hash(current[$0]), successorHash: HashFunction.sha256.hash(next[$0]),
                    ip: "203.0.113.1", at: now, policy: policy)
            }
            for result in try store.rotateRefreshTokens(requests) {
                guard case .success(.rotated) = result else { fatalError("rotation failed: \(result)") }
            }
            current = next
        }
        return batches * Double(batchSize)
    }

    static func rotation(folder: String) throws -> (store: Double, raw: Double) {
        let path = folder + "/rotation.sqlite"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let store = try SQLiteSessionStore(path: path, create: true)
        let now = Date().timeIntervalSince1970
        var current = SecureRandom.bytes(32)
        let session = SessionRecord(
            id: "bench", user: "alice", client: "web", ip: "203.0.113.1", userAgent: "bench", createdAt: now,
            lastUsedAt: now, expiresAt: now + 86_400, idleExpiresAt: now + 86_400)
        try store.createSession(session, refreshTokenHash: HashFunction.sha256.hash(current))
        let policy = RefreshPolicy()
        let storeRound = { () throws -> Double in
            try opsPerSecond(rounds: 1, seconds: 0.5) {
                let next = SecureRandom.bytes(32)
                let outcome = try store.rotateRefreshToken(
                    presentedHash: HashFunction.sha256.hash(current), successorHash: HashFunction.sha256.hash(next),
                    ip: "203.0.113.1", at: now, policy: policy)
                guard case .rotated = outcome else { fatalError("rotation failed: \(outcome)") }
                current = next
            }
        }

        // The same two writes by hand: prepared statements, one transaction, same pragmas.
        var db: OpaquePointer?
        sqlite3_open(path, &db)
        defer { sqlite3_close(db) }
        sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000", nil, nil, nil)
        var update: OpaquePointer?
        var insert: OpaquePointer?
        sqlite3_prepare_v2(db, "UPDATE refresh_tokens SET spent_at = ?1, successor_hash = ?2 WHERE hash = ?3 AND spent_at IS NULL", -1, &update, nil)
        sqlite3_prepare_v2(
            db, "INSERT INTO refresh_tokens (hash, session_id, parent_hash, issued_at, issued_ip) VALUES (?1, 'bench', ?2, ?3, '203.0.113.1')", -1, &insert, nil
        )
        defer { sqlite3_finalize(update); sqlite3_finalize(insert) }
        var rawCurrent = SecureRandom.bytes(32)
        var rawHash = HashFunction.sha256.hash(rawCurrent)
        sqlite3_exec(
            db,
            "INSERT INTO refresh_tokens (hash, session_id, issued_at, issued_ip) VALUES (x'\(rawHash.map { String(format: "%02x", $0) }.joined())', 'bench', 0, 'x')",
            nil, nil, nil)
        let rawRound = { () -> Double in
            opsPerSecond(rounds: 1, seconds: 0.5) {
                let next = SecureRandom.bytes(32)
                let nextHash = HashFunction.sha256.hash(next)
                sqlite3_exec(db, "BEGIN IMMEDIATE", nil, nil, nil)
                sqlite3_reset(update)
                sqlite3_bind_double(update, 1, now)
                sqlite3_bind_blob(update, 2, nextHash, 32, bench_transient())
                sqlite3_bind_blob(update, 3, rawHash, 32, bench_transient())
                precondition(sqlite3_step(update) == SQLITE_DONE && sqlite3_changes(db) == 1)
                sqlite3_reset(insert)
                sqlite3_bind_blob(insert, 1, nextHash, 32, bench_transient())
                sqlite3_bind_blob(insert, 2, rawHash, 32, bench_transient())
                sqlite3_bind_double(insert, 3, now)
                precondition(sqlite3_step(insert) == SQLITE_DONE)
                sqlite3_exec(db, "COMMIT", nil, nil, nil)
                rawCurrent = next
                rawHash = nextHash
            }
        }
        // Alternate the two so WAL growth and machine noise fall on both alike; best of each.
        var storeRate = 0.0, rawRate = 0.0
        for _ in 0..<4 {
            rawRate = max(rawRate, rawRound())
            storeRate = max(storeRate, try storeRound())
        }
        return (storeRate, rawRate)
    }

    /// A seeded store of `sessions` sessions, made once and kept in `folder`.
    static func seeded(folder: String, sessions: Int) throws -> (SQLiteSessionStore, String) {
        let path = folder + "/seed-\(sessions).sqlite"
        let environment = ["SESSION_KEK": String(repeating: "42", count: 32)]
        if !FileManager.default.fileExists(atPath: path) {
            FileHandle.standardError.write(Data("seeding \(sessions) sessions into \(path) (once)…\n".utf8))
            let store = try SQLiteSessionStore(path: path, create: true)
            let kek = try KeyEncryptionKey.load(environment: environment, storePath: path, create: false).key
            _ = try DemoSeeder(users: 500, sessions: sessions, seed: 42, now: Date().timeIntervalSince1970).run(store: store, kek: kek) { _, _, _ in }
        }
        return (try SQLiteSessionStore(path: path, create: false), path)
    }

    /// Milliseconds per query on a million-session store (best of several runs).
    static func queries(_ store: SQLiteSessionStore) throws -> [(String, Double)] {
        let now = Date().timeIntervalSince1970
        let first = try store.sessions(SessionQuery(limit: 50), now: now)
        var deep = SessionQuery(limit: 50)
        deep.oldest = true
        let deepRows = try store.sessions(deep, now: now)
        let user = first[0].user
        var cases: [(String, () throws -> Void)] = [
            ("first page (50 newest)", { _ = try store.sessions(SessionQuery(limit: 50), now: now) }),
            (
                "deep page (keyset after the oldest 50)",
                {
                    var q = SessionQuery(limit: 50)
                    q.before = SessionCursor(deepRows[0], sort: .created, now: now)
                    _ = try store.sessions(q, now: now)
                }
            ),
            ("user filter", { _ = try store.sessions(SessionQuery(user: user, limit: 50), now: now) }),
            ("ip prefix 203.0.113.", { _ = try store.sessions(SessionQuery(ipPrefix: "203.0.113.", limit: 50), now: now) }),
            ("ip prefix with no match", { _ = try store.sessions(SessionQuery(ipPrefix: "10.9.", limit: 50), now: now) }),
            (
                "revocation state (sid, jti, user, kid)",
                {
                    _ = try store.revocationVerdict(sessionID: first[1].id, tokenID: "j-1", user: user, issuedAt: now, kid: "k")
                }
            ),
            ("header counts", { _ = try store.sessionCounts(now: now) }),
        ]
        cases.append(("text filter \"ali\"", { _ = try store.sessions(SessionQuery(text: "ali", limit: 50), now: now) }))
        return try cases.map { name, body in
            var best = Double.infinity
            for _ in 0..<7 {
                let start = DispatchTime.now().uptimeNanoseconds
                try body()
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            return (name, best)
        }
    }
}
