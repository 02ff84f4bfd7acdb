import SessionCore
import Foundation

/// Fills an empty store with data that looks real: people, their sessions on web, iOS,
/// Android and CLI clients with rotation histories, revoked and expired sessions, a key
/// history (retired, revoked, retiring, active, next) and an audit trail.
///
/// The same `seed` and `now` always give the same data. Demo users' password is
/// `demo-password`.
public struct DemoSeeder: Sendable {
    public var users: Int
    public var sessions: Int
    public var seed: UInt64
    public var now: Double
    /// Sessions per transaction.
    public var batchSize = 20_000

    public static let password = "demo-password"

    public init(users: Int = 200, sessions: Int = 5_000, seed: UInt64 = 1, now: Double) {
        self.users = users
        self.sessions = sessions
        self.seed = seed
        self.now = now
    }

    /// What was made.
    public struct Summary: Sendable {
        public var users: Int
        public var sessions: Int
        public var refreshTokens: Int
        public var keys: Int
    }

    /// Seeds `store`, calling `progress(phase, done, total)` after each batch of sessions
    /// (phase "sessions") and around the final index build (phase "indexes").
    /// Refuses (`.refused`) a store that already has sessions or keys.
    public func run(store: any SessionStore, kek: KeyEncryptionKey, progress: (String, Int, Int) -> Void) throws(StoreError) -> Summary {
        guard try store.sessions(SessionQuery(limit: 1), now: now).isEmpty, try store.signingKeys().isEmpty else {
            throw .refused("the store already holds data; demo seed needs an empty store")
        }
        var random = SeededRandom(seed: seed)
        let names = try seedUsers(store: store, random: &random)
        try seedKeys(store: store, kek: kek)
        var refreshTokens = 0
        var audit: [AuditEntry] = []
        var done = 0
        progress("sessions", 0, sessions)
        try store.prepareBulkImport()
        // Make the next batch on another core while this one is written.
        let maker = BatchMaker(seeder: self, names: names, random: random)
        var batch = maker.make(min(batchSize, sessions))
        while !batch.isEmpty {
            let next = DispatchGroup()
            let following = min(batchSize, sessions - done - batch.count)
            let box = BatchBox()
            DispatchQueue.global().async(group: next) { box.batch = maker.make(following) }
            refreshTokens += batch.reduce(0) { $0 + $1.family.count }
            do {
                try store.importSessions(batch)
            } catch {
                next.wait()
                throw error
            }
            done += batch.count
            progress("sessions", done, sessions)
            next.wait()
            batch = box.batch
        }
        audit = maker.audit
        progress("indexes", 0, 1)
        try store.finishBulkImport()
        progress("indexes", 1, 1)
        for entry in audit.sorted(by: { $0.at < $1.at }).suffix(500) { try store.appendAudit(entry) }
        return Summary(users: names.count, sessions: sessions, refreshTokens: refreshTokens, keys: try store.signingKeys().count)
    }

    private func seedUsers(store: any SessionStore, random: inout SeededRandom) throws(StoreError) -> [String] {
        var names: [String] = []
        var seen = Set<String>()
        let hasher = PasswordHasher(logN: 10, r: 8, p: 1)  // demo accounts: cheap to make, still scrypt
        while names.count < users {
            var name = "\(random.pick(DemoData.firstNames)).\(random.pick(DemoData.lastNames))"
            if seen.contains(name) { name += String(random.next() % 100) }
            guard seen.insert(name).inserted else { continue }
            let hash: String
            do { hash = try hasher.hash(Self.password) } catch { throw .unusable("password hashing failed: \(error)") }
            let created = now - 400 * 86_400 + random.unit() * 300 * 86_400
            try store.addUser(
                UserRecord(name: name, passwordHash: hash, createdAt: created),
                audit: AuditContext(actor: "demo", reason: "demo seed", at: created))
            names.append(name)
        }
        return names
    }

    private func seedKeys(store: any SessionStore, kek: KeyEncryptionKey) throws(StoreError) {
        let day = 86_400.0
        func audit(_ reason: String, _ at: Double, actor: String = "carol") -> AuditContext { AuditContext(actor: actor, reason: reason, at: at) }
        let first = try KeyRing.makeRecord(.es256, kek: kek, at: now - 200 * day)
        try store.addSigningKey(first, audit: audit("initial signing key", now - 200 * day))
        let leaked = try KeyRing.makeRecord(.es256, kek: kek, at: now - 150 * day)
        try store.addSigningKey(leaked, audit: audit("prepare rotation", now - 150 * day))
        try store.revokeSigningKey(kid: leaked.kid, fresh: first, audit: audit("private key pasted into a CI log", now - 149 * day, actor: "trent"))
        let second = try KeyRing.makeRecord(.es256, kek: kek, at: now - 91 * day)
        try store.addSigningKey(second, audit: audit("prepare quarterly rotation", now - 91 * day))
        try store.rotateSigningKeys(fresh: second, audit: audit("quarterly rotation", now - 90 * day))
        try store.retireExpiredKeys(at: now - 89 * day)
        let third = try KeyRing.makeRecord(.es256, kek: kek, at: now - 1 * day)
        try store.addSigningKey(third, audit: audit("prepare quarterly rotation", now - 1 * day))
        try store.rotateSigningKeys(fresh: third, audit: audit("quarterly rotation", now - 60))
        let next = try KeyRing.makeRecord(.es256, kek: kek, at: now - 600)
        try store.addSigningKey(next, audit: audit("publish the next key ahead of rotation", now - 600, actor: "walter"))
    }

    func makeSession(names: [String], random: inout SeededRandom, audit: inout [AuditEntry]) -> ImportedSession {
        let day = 86_400.0
        let user = random.pick(names)
        let client = random.pick(DemoData.clients)
        let userAgent = random.pick(DemoData.userAgents[client]!)
        var ip = DemoData.ip(&random)
        let createdAt = now - random.unit() * random.unit() * 40 * day
        let lifetime = 30 * day
        let idle = 7 * day
        let id = SessionID.make(random.bytes(16))
        let end = min(now, createdAt + lifetime)
        let lastUsedAt = createdAt + (end - createdAt) * random.unit().squareRoot()
        let rotations = Int(min(Double(random.next() % 3), (lastUsedAt - createdAt) / 3600))
        var family: [RefreshTokenRecord] = []
        var parent: [UInt8]? = nil
        for index in 0...rotations {
            let issuedAt = index == 0 ? createdAt : createdAt + (lastUsedAt - createdAt) * Double(index) / Double(rotations)
            let hash = random.bytes(32)
            if index > 0 {
                family[index - 1].spentAt = issuedAt
                family[index - 1].successorHash = hash
                if random.next() % 4 == 0 { ip = DemoData.ip(&random) }
            }
            family.append(RefreshTokenRecord(hash: hash, sessionID: id, parentHash: parent, issuedAt: issuedAt, issuedIP: ip))
            parent = hash
        }
        var session = SessionRecord(
            id: id, user: user, client: client, ip: ip, userAgent: userAgent, createdAt: createdAt,
            lastUsedAt: lastUsedAt, expiresAt: createdAt + lifetime, idleExpiresAt: min(createdAt + lifetime, lastUsedAt + idle),
            rotations: rotations)
        let roll = random.next() % 1000
        if roll < 40, session.state(at: now) == .active {
            let at = lastUsedAt + (now - lastUsedAt) * random.unit()
            let actor = random.pick(DemoData.admins)
            let reason = random.pick(DemoData.revokeReasons)
            session.revokedAt = at
            session.revokeReason = reason
            session.revokedBy = actor
            audit.append(AuditEntry(at: at, actor: actor, action: .sessionRevoke, target: id, reason: reason, detail: "user \(user)"))
        } else if roll < 46, rotations > 0, session.state(at: now) == .active {
            let at = lastUsedAt + (now - lastUsedAt) * random.unit()
            session.revokedAt = at
            session.revokeReason = "refresh token reuse"
            session.revokedBy = "system"
            family[rotations - 1].reusedAt = at
            let label = family[rotations - 1].label
            audit.append(
                AuditEntry(
                    at: at, actor: "system", action: .refreshReuse, target: id, reason: "spent refresh token presented again",
                    detail: "session \(id) of \(user) revoked; token \(label) reused from \(DemoData.ip(&random))"))
        }
        return ImportedSession(session: session, family: family)
    }
}

/// Makes batches of demo sessions in order, on whichever thread asks, one at a time (the
/// seeder waits for each before asking again, so the generator state is never shared).
private final class BatchMaker: @unchecked Sendable {
    let seeder: DemoSeeder
    let names: [String]
    var random: SeededRandom
    var audit: [AuditEntry] = []

    init(seeder: DemoSeeder, names: [String], random: SeededRandom) {
        self.seeder = seeder
        self.names = names
        self.random = random
    }

    func make(_ count: Int) -> [ImportedSession] {
        var batch: [ImportedSession] = []
        batch.reserveCapacity(max(0, count))
        for _ in 0..<max(0, count) { batch.append(seeder.makeSession(names: names, random: &random, audit: &audit)) }
        return batch
    }
}

/// Carries a batch from the generating thread back (read only after the group is waited on).
private final class BatchBox: @unchecked Sendable {
    var batch: [ImportedSession] = []
}
