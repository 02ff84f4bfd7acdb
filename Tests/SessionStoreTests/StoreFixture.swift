import Foundation
import SessionCore
import SessionStoreTesting
import JOSE
@testable import SessionSQLite
import SessionPostgres

/// The store implementations every contract test runs against: PostgreSQL too when
/// `make test` started a server (`SESSION_TEST_POSTGRES`).
enum StoreKind: String, CaseIterable, Sendable {
    case sqlite, memory, postgres

    static var allCases: [StoreKind] { [.sqlite, .memory] + (PostgresTestServer.available ? [.postgres] : []) }
}

/// A store (SQLite in a fresh temporary folder, or in memory), with helpers to make
/// sessions and keys.
final class StoreFixture {
    let folder: URL
    let path: String
    let store: any SessionStore
    /// The SQLite store, for tests of SQLite specifics.
    var sqlite: SQLiteSessionStore { store as! SQLiteSessionStore }
    /// The PostgreSQL database of a `.postgres` fixture, and its URI.
    private(set) var database: (name: String, uri: String)?
    /// The URI of a `.postgres` fixture's database.
    var postgresURI: String? { database?.uri }
    let kek: KeyEncryptionKey
    static let now: Double = 1_767_225_600

    init(_ kind: StoreKind = .sqlite, lifetimes: TokenLifetimes = TokenLifetimes()) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        path = folder.appendingPathComponent("sessions.sqlite").path
        switch kind {
        case .sqlite: store = try SQLiteSessionStore(path: path, create: true, lifetimes: lifetimes)
        case .memory: store = InMemorySessionStore(lifetimes: lifetimes)
        case .postgres:
            let database = try PostgresTestServer.createDatabase()
            self.database = database
            store = try PostgresSessionStore(PostgresLocation(database.uri), lifetimes: lifetimes)
        }
        kek = try KeyEncryptionKey.load(environment: [:], storePath: path, create: true).key
    }

    deinit {
        try? FileManager.default.removeItem(at: folder)
        if let database { PostgresTestServer.dropDatabase(database.name) }
    }

    func audit(_ reason: String = "test", actor: String = "tester", at: Double = StoreFixture.now) -> AuditContext {
        AuditContext(actor: actor, reason: reason, at: at)
    }

    /// A new active session of `user` with a fresh refresh token; returns both.
    @discardableResult
    func session(
        user: String = "alice", id: String = SecureRandom.identifier(), at: Double = StoreFixture.now,
        policy: RefreshPolicy = RefreshPolicy()
    ) throws -> (SessionRecord, token: [UInt8]) {
        let token = SecureRandom.bytes(32)
        let record = SessionRecord(
            id: id, user: user, client: "web", ip: "203.0.113.7", userAgent: "Mozilla/5.0", createdAt: at,
            lastUsedAt: at, expiresAt: at + policy.sessionLifetime, idleExpiresAt: at + policy.idleTimeout)
        try store.createSession(record, refreshTokenHash: HashFunction.sha256.hash(token))
        return (record, token)
    }

    func key(_ algorithm: JWSAlgorithm = .es256, at: Double = StoreFixture.now) throws -> SigningKeyRecord {
        try KeyRing.makeRecord(algorithm, kek: kek, at: at)
    }
}
