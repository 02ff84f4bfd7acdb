import Foundation
import JOSE
import SessionCore
import SessionPostgres
import Testing

/// Under CI the PostgreSQL suites must run, not be skipped.
@Test("a PostgreSQL server is given under CI")
func postgresUnderCI() {
    if ProcessInfo.processInfo.environment["CI"] == "true" { #expect(PostgresTestServer.available, "make test starts one: run the tests through it") }
}

/// What only PostgreSQL has to show: several instances on one database, migrations under a
/// lock, the feed's order with concurrent writers, the database refusing audit edits, and
/// connections that break. Skipped without a server; `make test` always starts one, and
/// under CI a missing server fails the run.
@Suite("PostgreSQL store", .enabled(if: PostgresTestServer.available))
struct PostgresStoreTests {
    let now = StoreFixture.now

    /// A fresh database and `count` stores on it, as `count` instances would hold.
    func instances(_ count: Int) throws -> (fixture: StoreFixture, stores: [PostgresSessionStore]) {
        let fixture = try StoreFixture(.postgres)
        let uri = try #require(fixture.database?.uri)
        let others = try (1..<count).map { _ in try PostgresSessionStore(PostgresLocation(uri)) }
        return (fixture, [fixture.store as! PostgresSessionStore] + others)
    }

    @Test("200 concurrent presentations of one token across three instances: exactly one successor, the rest reuse")
    func refreshAcrossInstances() throws {
        let (f, stores) = try instances(3)
        let (session, token) = try f.session()
        let presented = HashFunction.sha256.hash(token)
        let at = now + 1
        let outcomes = concurrently(200) { index in
            Result { () throws(StoreError) -> RefreshOutcome in
                try stores[index % stores.count].rotateRefreshToken(
                    presentedHash: presented, successorHash: HashFunction.sha256.hash(SecureRandom.bytes(32)), ip: "x", at: at, policy: RefreshPolicy())
            }
        }
        let failures = outcomes.compactMap { if case .failure(let error) = $0 { error } else { nil } }
        #expect(failures.isEmpty, "\(failures.prefix(3))")
        let rotated = outcomes.filter { if case .success(.rotated) = $0 { true } else { false } }
        #expect(rotated.count == 1)
        #expect(try f.store.session(id: session.id)?.state(at: at) == .revoked)
        let reuses = try f.store.auditEntries(limit: 1000, before: nil).filter { $0.action == .refreshReuse }
        #expect(reuses.count == 1, "the family is revoked once, with one audit entry")
    }

    @Test("with grace, every replay across instances gets the one successor and nothing is revoked")
    func graceAcrossInstances() throws {
        let (f, stores) = try instances(3)
        let policy = RefreshPolicy(reuseGrace: 30)
        let (session, token) = try f.session(policy: policy)
        let presented = HashFunction.sha256.hash(token)
        let successor = HashFunction.sha256.hash(SecureRandom.bytes(32))
        let at = now + 1
        let outcomes = concurrently(60) { index in
            try? stores[index % stores.count].rotateRefreshToken(presentedHash: presented, successorHash: successor, ip: "x", at: at, policy: policy)
        }
        #expect(outcomes.filter { if case .rotated? = $0 { true } else { false } }.count == 1)
        #expect(outcomes.filter { if case .replayedWithinGrace? = $0 { true } else { false } }.count == 59)
        #expect(try f.store.session(id: session.id)?.state(at: at) == .active)
    }

    @Test("concurrent revocations from four writers: a follower polling all along sees every sequence number")
    func feedHasNoSkips() async throws {
        let (f, stores) = try instances(4)
        let sessions = try (0..<120).map { _ in try f.session().0.id }
        // Every fifth append lingers 30 ms before its transaction commits: without serialised
        // appends, later numbers would commit first and a follower would step over it.
        try PostgresTestServer.psql(
            try #require(f.database?.uri),
            """
            CREATE FUNCTION linger() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.03); RETURN NULL; END $$;
            CREATE TRIGGER linger AFTER INSERT ON revocations FOR EACH ROW WHEN (NEW.seq % 5 = 0) EXECUTE FUNCTION linger();
            """)
        let done = ManagedFlag()
        let follower = Task.detached { () -> [Int64] in
            var seen: [Int64] = []
            var cursor: Int64 = 0
            while true {
                let finished = done.value
                let events = try stores[0].revocations(after: cursor, limit: 50)
                seen += events.map(\.sequence)
                cursor = events.last?.sequence ?? cursor
                if finished && events.isEmpty { return seen }
            }
        }
        _ = concurrently(sessions.count) { index in
            let audit = AuditContext(actor: "t", reason: "t", at: StoreFixture.now + 1)
            if index % 3 == 0 {
                try? stores[index % stores.count].revokeTokenID("jti-\(index)", expiresAt: StoreFixture.now + 600, audit: audit)
            } else {
                _ = try? stores[index % stores.count].revokeSessions(ids: [sessions[index]], audit: audit)
            }
        }
        done.set()
        let seen = try await follower.value
        let all = try f.store.revocations(after: 0, limit: 10_000).map(\.sequence)
        #expect(all.count == sessions.count)
        #expect(seen == all, "the follower saw \(seen.count) of \(all.count) events, in order")
    }

    @Test("login slots are shared by every instance on the database")
    func loginAcrossInstances() throws {
        let (f, stores) = try instances(3)
        defer { withExtendedLifetime(f) {} }
        let at = now
        let granted = concurrently(30) { index -> Bool in
            if case .reserved? = try? stores[index % stores.count].reserveLoginAttempt(user: "alice", address: "a\(index)", limits: LoginLimits(), at: at) {
                return true
            }
            return false
        }.filter { $0 }.count
        #expect(granted == 5)
    }

    @Test("several instances starting together migrate once")
    func migrateOnce() async throws {
        let database = try PostgresTestServer.createDatabase()
        defer { PostgresTestServer.dropDatabase(database.name) }
        let opened = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<6 {
                group.addTask { (try? PostgresSessionStore(PostgresLocation(database.uri))) != nil }
            }
            var count = 0
            for await ok in group where ok { count += 1 }
            return count
        }
        #expect(opened == 6)
        // Every migration recorded exactly once: as many rows as versions, 1 … latest.
        let ledger = try PostgresTestServer.psql(
            database.uri, "SELECT count(*) || ' ' || count(DISTINCT version) || ' ' || max(version) FROM schema_migrations")
        let figures = ledger.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        #expect(figures.count == 3 && figures[0] >= 1 && Set(figures).count == 1, "schema_migrations: \(ledger)")
    }

    @Test("a schema newer than the program, or a database of another program, is refused in one line")
    func refusals() throws {
        let newer = try PostgresTestServer.createDatabase()
        defer { PostgresTestServer.dropDatabase(newer.name) }
        _ = try PostgresSessionStore(PostgresLocation(newer.uri))
        let known = try PostgresTestServer.psql(newer.uri, "SELECT max(version) FROM schema_migrations").trimmingCharacters(in: .whitespacesAndNewlines)
        try PostgresTestServer.psql(newer.uri, "INSERT INTO schema_migrations VALUES (99, 'future', 0)")
        #expect(
            throws: StoreError.unusable(
                "store postgres@\(Self.host(newer.uri))/\(newer.name) has schema version 99, newer than this program (\(known)): upgrade sessionctl")
        ) {
            try PostgresSessionStore(PostgresLocation(newer.uri))
        }
        let foreign = try PostgresTestServer.createDatabase()
        defer { PostgresTestServer.dropDatabase(foreign.name) }
        try PostgresTestServer.psql(foreign.uri, "CREATE TABLE sessions (x integer)")
        do {
            _ = try PostgresSessionStore(PostgresLocation(foreign.uri))
            Issue.record("a foreign database was opened")
        } catch {
            #expect(error.description.contains("is not a sessions store"))
        }
        #expect(try PostgresTestServer.psql(foreign.uri, "SELECT to_regclass('schema_migrations') IS NULL").hasPrefix("t"), "nothing written")
    }

    static func host(_ uri: String) -> String {
        URLComponents(string: uri)?.queryItems?.first { $0.name == "host" }?.value ?? "localhost"
    }

    @Test("the database itself refuses to change or empty the audit log")
    func auditAppendOnly() throws {
        let f = try StoreFixture(.postgres)
        let uri = try #require(f.database?.uri)
        try f.store.appendAudit(AuditEntry(at: now, actor: "a", action: AuditAction(rawValue: "x"), target: "t"))
        for sql in ["UPDATE audit SET reason = 'forged'", "DELETE FROM audit", "TRUNCATE audit"] {
            #expect(throws: StoreError.self) { try PostgresTestServer.psql(uri, sql) }
        }
        #expect(try f.store.auditEntries(limit: 10, before: nil).count == 1)
    }

    @Test("a dropped connection is a retryable error for the request in flight; the next request reconnects")
    func reconnects() throws {
        let f = try StoreFixture(.postgres)
        let database = try #require(f.database)
        try f.session()
        try PostgresTestServer.psql(
            database.uri, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(database.name)' AND pid <> pg_backend_pid()")
        var failures = 0
        for _ in 0..<10 {
            do {
                _ = try f.store.sessionCounts(now: now)
            } catch .busy(let message) {
                failures += 1
                #expect(message.contains("unavailable"))
            } catch {
                Issue.record("\(error)")
            }
        }
        #expect(failures <= 8, "the pool reconnects")
        #expect(try f.store.sessionCounts(now: now).total == 1)
    }

    @Test("bad locations: one line naming the problem, never the password")
    func badLocations() throws {
        for bad in ["postgres://x:s3cret-pw@[bad", "postgres:host=/tmp password=s3cret-pw dbname", "postgres:password='s3cret-pw"] {
            do {
                _ = try PostgresLocation(bad)
                Issue.record("\(bad) was accepted")
            } catch {
                #expect(!error.description.contains("s3cret"), "\(error)")
                #expect(error.description.hasPrefix("invalid PostgreSQL connection string: "))
            }
        }
        let missing = try PostgresLocation("postgresql://alice:s3cret-pw@/sessions?host=/nonexistent-socket-dir")
        #expect(missing.display == "alice@/nonexistent-socket-dir/sessions")
        do {
            _ = try PostgresSessionStore(missing)
            Issue.record("connected to nothing")
        } catch {
            #expect(!error.description.contains("s3cret-pw"))
            #expect(!error.description.contains("\n"))
            #expect(error.description.contains("alice@/nonexistent-socket-dir/sessions"))
        }
        let conninfo = try PostgresLocation("postgres:host=/tmp dbname=app user=svc password=hunter2")
        #expect(conninfo.display == "svc@/tmp/app")
    }
}

/// Runs `body` for `0..<count` on `threads` threads of its own (not the two of Swift's
/// cooperative pool), so calls into the store really overlap; returns the results in order.
func concurrently<T: Sendable>(_ count: Int, threads: Int = 16, _ body: @escaping @Sendable (Int) -> T) -> [T] {
    let results = LockedResults<T>(count)
    let group = DispatchGroup()
    for thread in 0..<threads {
        group.enter()
        Thread.detachNewThread {
            for index in stride(from: thread, to: count, by: threads) { results.set(index, body(index)) }
            group.leave()
        }
    }
    group.wait()
    return results.values
}

final class LockedResults<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [T?]
    init(_ count: Int) { stored = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: T) { lock.withLock { stored[index] = value } }
    var values: [T] { lock.withLock { stored.map { $0! } } }
}

/// A flag one task sets and another reads.
final class ManagedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    var value: Bool { lock.withLock { flag } }
    func set() { lock.withLock { flag = true } }
}
