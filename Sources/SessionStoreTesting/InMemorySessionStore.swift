import Foundation
import JOSE
import SessionCore

/// A `SessionStore` in memory, for tests and for trying things out. It keeps every
/// guarantee of the protocol (one lock makes each call atomic) but nothing survives the
/// process.
public final class InMemorySessionStore: SessionStore, @unchecked Sendable {
    // All state is touched only while `lock` is held (`locked`), here and in the extensions.
    private let lock = NSLock()
    var users: [String: UserRecord] = [:]
    var sessionsByID: [String: SessionRecord] = [:]
    var tokens: [[UInt8]: RefreshTokenRecord] = [:]
    var tokenOrder: [String: [[UInt8]]] = [:]
    var keys: [SigningKeyRecord] = []
    var revocationLog: [RevocationEvent] = []
    var audit: [AuditEntry] = []
    var clientsByID: [String: ClientRecord] = [:]
    var nextSequence: Int64 = 1
    private var loginAttempts: [LoginAttempt] = []
    private var nextLoginAttempt: Int64 = 1
    private var verifierRecords: [String: VerifierRecord] = [:]
    public let lifetimes: TokenLifetimes

    public init(lifetimes: TokenLifetimes = TokenLifetimes()) { self.lifetimes = lifetimes }

    func locked<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    private func record(_ entry: AuditEntry) {
        var entry = entry
        entry.id = Int64(audit.count + 1)
        audit.append(entry)
    }

    private func revoke(_ kind: RevocationKind, _ target: String, at: Double, until: Double) {
        revocationLog.append(RevocationEvent(sequence: nextSequence, kind: kind, target: target, at: at, expiresAt: until))
        nextSequence += 1
    }

    // MARK: Users

    public func addUser(_ user: UserRecord, audit context: AuditContext) throws(StoreError) {
        try locked { () throws(StoreError) in
            guard users[user.name.lowercased()] == nil else { throw .refused("user \(user.name) already exists") }
            users[user.name.lowercased()] = user
            record(AuditEntry(at: context.at, actor: context.actor, action: .userAdd, target: user.name, reason: context.reason))
        }
    }

    public func user(named name: String) throws(StoreError) -> UserRecord? {
        try locked { users[name.lowercased()] }
    }

    public func setUserDisabled(_ name: String, disabled: Bool, audit context: AuditContext) throws(StoreError) {
        try locked { () throws(StoreError) in
            guard users[name.lowercased()] != nil else { throw .notFound("no user \(name)") }
            users[name.lowercased()]?.disabled = disabled
            record(AuditEntry(at: context.at, actor: context.actor, action: .userDisabled(disabled), target: name, reason: context.reason))
        }
    }

    public func revokeUser(_ name: String, audit context: AuditContext) throws(StoreError) -> Int {
        try locked { () throws(StoreError) -> Int in
            let key = name.lowercased()
            let owned = sessionsByID.values.filter { $0.user.lowercased() == key }
            guard users[key] != nil || !owned.isEmpty else { throw .notFound("no user \(name)") }
            if users[key] == nil { users[key] = UserRecord(name: name, passwordHash: "!", createdAt: context.at, disabled: true) }
            users[key]?.notBefore = context.at
            var count = 0
            for session in owned where session.state(at: context.at) == .active {
                sessionsByID[session.id]?.revokedAt = context.at
                sessionsByID[session.id]?.revokeReason = context.reason
                sessionsByID[session.id]?.revokedBy = context.actor
                count += 1
            }
            revoke(.user, name, at: context.at, until: lifetimes.horizon(after: context.at))
            record(
                AuditEntry(
                    at: context.at, actor: context.actor, action: .userRevoke, target: name, reason: context.reason,
                    detail: "\(count) active session\(count == 1 ? "" : "s") revoked; tokens issued before \(Timestamp.rfc3339(context.at)) refused"))
            return count
        }
    }

    // MARK: Login attempts

    private struct LoginAttempt {
        let id: Int64
        let user: String
        var record: LoginAttemptRecord
        var at: Double { record.at }
        var address: String { record.address }
        var failed: Bool {
            get { record.failed }
            set { record.failed = newValue }
        }
    }

    public func reserveLoginAttempt(user: String, address: String, limits: LoginLimits, at now: Double) throws(StoreError) -> LoginReservation {
        try locked { () -> LoginReservation in
            let user = user.lowercased()
            let byUser = loginAttempts.filter { $0.user == user && limits.holdsUserSlot($0.record, now: now) }
            let byAddress = loginAttempts.filter { $0.address == address && limits.holdsSlot($0.record, now: now) }
            if let wait = limits.retryAfter(
                user: LoginLimits.Count(attempts: byUser.count, oldest: byUser.map(\.at).min()),
                address: LoginLimits.Count(attempts: byAddress.count, oldest: byAddress.map(\.at).min()),
                now: now)
            {
                return .refused(retryAfter: wait)
            }
            let id = nextLoginAttempt
            nextLoginAttempt += 1
            loginAttempts.append(LoginAttempt(id: id, user: user, record: LoginAttemptRecord(at: now, address: address, failed: false)))
            return .reserved(id: id)
        }
    }

    public func settleLoginAttempt(id: Int64, outcome: LoginAttemptOutcome) throws(StoreError) {
        try locked {
            guard let index = loginAttempts.firstIndex(where: { $0.id == id }) else { return }
            switch outcome {
            case .failed:
                loginAttempts[index].failed = true
                return
            case .abandoned:
                loginAttempts.remove(at: index)
                return
            case .succeeded:
                break
            }
            let user = loginAttempts[index].user
            loginAttempts.remove(at: index)
            for other in loginAttempts.indices where loginAttempts[other].user == user && loginAttempts[other].failed {
                loginAttempts[other].record.countsForUser = false
            }
        }
    }

    public func loginAttempts(user: String, since: Double, limit: Int) throws(StoreError) -> [LoginAttemptRecord] {
        try locked {
            Array(loginAttempts.filter { $0.user == user.lowercased() && $0.at > since }.reversed().prefix(limit).map(\.record))
        }
    }

    public func sessionStates(user: String, now: Double) throws(StoreError) -> SessionStateCounts {
        try locked {
            var counts = SessionStateCounts()
            for session in sessionsByID.values where session.user.lowercased() == user.lowercased() { counts.add(session.state(at: now)) }
            return counts
        }
    }

    public func auditEntries(about user: String, limit: Int) throws(StoreError) -> [AuditEntry] {
        try locked {
            let sessions = sessionsByID.values.filter { $0.user.lowercased() == user.lowercased() }.map(\.id)
            let targets = Set([user, "user \(user)"] + sessions + sessions.map { "session \($0)" })
            return Array(audit.filter { targets.contains($0.target) }.sorted { ($0.at, $0.id) > ($1.at, $1.id) }.prefix(limit))
        }
    }

    public func pruneLoginAttempts(before: Double) throws(StoreError) -> Int {
        try locked {
            let count = loginAttempts.count
            loginAttempts.removeAll { $0.at < before }
            return count - loginAttempts.count
        }
    }

    // MARK: Sessions

    public func importSessions(_ batch: [ImportedSession]) throws(StoreError) {
        try locked { () throws(StoreError) in
            for item in batch where sessionsByID[item.session.id] != nil { throw .refused("session \(item.session.id) already exists") }
            for item in batch { for token in item.family where tokens[token.hash] != nil { throw .refused("a refresh token with that hash already exists") } }
            for item in batch {
                sessionsByID[item.session.id] = item.session
                for token in item.family {
                    tokens[token.hash] = token
                    tokenOrder[item.session.id, default: []].append(token.hash)
                }
            }
        }
    }

    public func prepareBulkImport() throws(StoreError) {}
    public func finishBulkImport() throws(StoreError) {}

    public func session(id: String) throws(StoreError) -> SessionRecord? {
        try locked { sessionsByID[id] }
    }

    public func sessions(_ query: SessionQuery, now: Double) throws(StoreError) -> [SessionRecord] {
        if query.sort == .state {
            return try StateOrderedListing.sessions(query) { sub throws(StoreError) in try sessions(sub, now: now) }
        }
        return try locked {
            func prefix(_ value: String, _ prefix: String) -> Bool { value.lowercased().hasPrefix(prefix.lowercased()) }
            let matching = sessionsByID.values.filter { s in
                if let user = query.user, s.user.lowercased() != user.lowercased() { return false }
                if let ip = query.ipPrefix, !prefix(s.ip, ip) { return false }
                if let client = query.client, s.client != client { return false }
                if let text = query.text, !text.isEmpty, !(prefix(s.user, text) || prefix(s.ip, text) || prefix(s.client, text)) { return false }
                if let state = query.state, s.state(at: now) != state { return false }
                if !query.matchesIndexed(s) { return false }
                let position = SessionCursor(s, sort: query.sort, now: now)
                if let after = query.after, !after.precedes(position, in: query.sort) { return false }
                if let from = query.from, !(from == position || from.precedes(position, in: query.sort)) { return false }
                if let before = query.before, !position.precedes(before, in: query.sort) { return false }
                return true
            }
            let sorted = matching.sorted {
                SessionCursor($0, sort: query.sort, now: now).precedes(SessionCursor($1, sort: query.sort, now: now), in: query.sort)
            }
            if query.before != nil || query.oldest { return Array(sorted.suffix(max(0, query.limit))) }
            return Array(sorted.prefix(max(0, query.limit)))
        }
    }

    public func activity(now: Double, bucket: Double, buckets: Int) throws(StoreError) -> ActivityHistogram {
        try locked {
            let start = now - bucket * Double(buckets)
            var logins = [Int](repeating: 0, count: buckets)
            var revocations = [Int](repeating: 0, count: buckets)
            for s in sessionsByID.values {
                let i = Int(((s.createdAt - start) / bucket).rounded(.down))
                if s.createdAt < now, i >= 0, i < buckets { logins[i] += 1 }
                if let r = s.revokedAt, r < now {
                    let j = Int(((r - start) / bucket).rounded(.down))
                    if j >= 0, j < buckets { revocations[j] += 1 }
                }
            }
            var refreshes = [Int](repeating: 0, count: buckets)
            for token in tokens.values where token.parentHash != nil && token.issuedAt < now {
                let k = Int(((token.issuedAt - start) / bucket).rounded(.down))
                if k >= 0, k < buckets { refreshes[k] += 1 }
            }
            return ActivityHistogram(logins: logins, refreshes: refreshes, revocations: revocations)
        }
    }

    public func countActiveSessions(usedSince since: Double, now: Double) throws(StoreError) -> Int {
        try locked { sessionsByID.values.filter { $0.state(at: now) == .active && $0.lastUsedAt >= since }.count }
    }

    public func sessionCounts(now: Double) throws(StoreError) -> SessionCounts {
        try locked {
            let all = Array(sessionsByID.values)
            let active = all.filter { $0.state(at: now) == .active }
            return SessionCounts(
                active: active.count, revokedToday: all.filter { ($0.revokedAt ?? 0) >= now - 86_400 }.count,
                expiringWithinHour: active.filter { min($0.expiresAt, $0.idleExpiresAt) <= now + 3600 }.count,
                total: all.count)
        }
    }

    public func revokeSessions(ids: [String], audit context: AuditContext, auditEach: Bool) throws(StoreError) -> Int {
        try locked { () throws(StoreError) -> Int in
            for id in ids where sessionsByID[id] == nil { throw .notFound("no session \(id)") }
            var count = 0
            for id in ids where sessionsByID[id]!.state(at: context.at) == .active {
                sessionsByID[id]!.revokedAt = context.at
                sessionsByID[id]!.revokeReason = context.reason
                sessionsByID[id]!.revokedBy = context.actor
                revoke(.session, id, at: context.at, until: lifetimes.horizon(after: context.at))
                if auditEach {
                    record(
                        AuditEntry(
                            at: context.at, actor: context.actor, action: .sessionRevoke, target: id, reason: context.reason,
                            detail: "user \(sessionsByID[id]!.user)"))
                }
                count += 1
            }
            return count
        }
    }

    public func refreshHistory(sessionID: String) throws(StoreError) -> [RefreshTokenRecord] {
        try locked { (tokenOrder[sessionID] ?? []).compactMap { tokens[$0] }.sorted { $0.issuedAt < $1.issuedAt } }
    }

    public func refreshTokenOwner(hash: [UInt8]) throws(StoreError) -> RefreshTokenOwner? {
        try locked {
            guard let token = tokens[hash], let session = sessionsByID[token.sessionID] else { return nil }
            return RefreshTokenOwner(session: session, token: token)
        }
    }

    public func addClient(_ client: ClientRecord, audit: AuditContext) throws(StoreError) {
        try locked { () throws(StoreError) in
            guard clientsByID[client.id] == nil else { throw StoreError.refused("client \(client.id) already exists") }
            clientsByID[client.id] = client
            record(AuditEntry(at: audit.at, actor: audit.actor, action: .clientAdd, target: client.id, reason: audit.reason))
        }
    }

    public func client(id: String) throws(StoreError) -> ClientRecord? {
        try locked { clientsByID[id] }
    }

    public func clients() throws(StoreError) -> [ClientRecord] {
        try locked { clientsByID.values.sorted { $0.id < $1.id } }
    }

    public func rotateRefreshToken(
        presentedHash: [UInt8], successorHash: [UInt8], ip: String, at now: Double,
        policy: RefreshPolicy
    ) throws(StoreError) -> RefreshOutcome {
        try locked { () throws(StoreError) -> RefreshOutcome in
            guard let token = tokens[presentedHash], var session = sessionsByID[token.sessionID] else { return .unknownToken }
            switch RefreshFamily.decide(token: token, session: session, now: now, policy: policy) {
            case .rotate:
                guard tokens[successorHash] == nil else { throw .refused("a refresh token with that hash already exists") }
                tokens[presentedHash]?.spentAt = now
                tokens[presentedHash]?.successorHash = successorHash
                tokens[successorHash] = RefreshTokenRecord(hash: successorHash, sessionID: session.id, parentHash: presentedHash, issuedAt: now, issuedIP: ip)
                tokenOrder[session.id, default: []].append(successorHash)
                session = session.rotated(at: now, ip: ip, policy: policy)
                sessionsByID[session.id] = session
                return .rotated(session)
            case .replay:
                return .replayedWithinGrace(session)
            case .revokeFamily:
                session = session.revoked(at: now, reason: "refresh token reuse", by: "system")
                sessionsByID[session.id] = session
                tokens[presentedHash]?.reusedAt = now
                revoke(.session, session.id, at: now, until: lifetimes.horizon(after: now))
                record(
                    AuditEntry(
                        at: now, actor: "system", action: .refreshReuse, target: session.id, reason: "spent refresh token presented again",
                        detail: "session \(session.id) of \(session.user) revoked; token \(token.label) reused from \(ip)"))
                return .reuseDetected(session)
            case .ended(let state):
                return .sessionEnded(session, state)
            }
        }
    }

    // MARK: Keys

    public func signingKeys() throws(StoreError) -> [SigningKeyRecord] {
        try locked { keys.sorted { ($0.createdAt, $1.kid) > ($1.createdAt, $0.kid) } }
    }

    func insert(_ key: SigningKeyRecord) throws(StoreError) {
        guard !keys.contains(where: { $0.kid == key.kid }) else { throw .refused("a signing key with kid \(key.kid) already exists") }
        keys.append(key)
    }

    public func changeSigningKeys(_ action: KeyAction, fresh: SigningKeyRecord?, audit context: AuditContext) throws(StoreError) -> KeyChangeOutcome {
        try locked { () throws(StoreError) -> KeyChangeOutcome in
            let decision = try KeyLifecycle.decide(action, keys: keys.map(KeyStatus.init), at: context.at, lifetimes: lifetimes)
            if decision.needsFreshKey, fresh == nil { return .needsFreshKey }
            if let fresh, decision.needsFreshKey, keys.contains(where: { $0.kid == fresh.kid }) {
                throw .refused("a signing key with kid \(fresh.kid) already exists")
            }
            for transition in decision.transitions {
                switch transition.key {
                case .fresh:
                    try insert(fresh!.moved(to: transition.to, at: context.at))
                case .existing(let kid):
                    guard let index = keys.firstIndex(where: { $0.kid == kid }) else { continue }
                    keys[index] = keys[index].moved(to: transition.to, at: context.at)
                }
            }
            if let kid = decision.revokedKid { revoke(.key, kid, at: context.at, until: lifetimes.horizon(after: context.at)) }
            decision.auditEntries(context, fresh: fresh).forEach(record)
            return .applied(decision, fresh: decision.needsFreshKey ? fresh?.kid : nil)
        }
    }

    public func pruneRevocations(at now: Double) throws(StoreError) -> Int {
        try locked {
            let count = revocationLog.count
            revocationLog.removeAll { RevocationRetention.mayDrop($0, at: now) }
            return count - revocationLog.count
        }
    }

    // MARK: Revocation and audit

    public func revokeTokenID(_ jti: String, expiresAt: Double, audit context: AuditContext) throws(StoreError) {
        try locked {
            revoke(.jti, jti, at: context.at, until: expiresAt)
            record(AuditEntry(at: context.at, actor: context.actor, action: .tokenRevoke, target: jti, reason: context.reason))
        }
    }

    public func revocationHead() throws(StoreError) -> Int64 {
        try locked { revocationLog.last?.sequence ?? 0 }
    }

    public func revocations(after: Int64, limit: Int) throws(StoreError) -> [RevocationEvent] {
        try locked { Array(revocationLog.filter { $0.sequence > after }.prefix(limit)) }
    }

    public func revocationVerdict(sessionID: String?, tokenID: String?, user: String?, issuedAt: Double?, kid: String?) throws(StoreError) -> RevocationVerdict?
    {
        try locked {
            if let kid, keys.contains(where: { $0.kid == kid && $0.state == .revoked }) { return .key(kid) }
            if let user, let cutoff = users[user.lowercased()]?.notBefore, UserCutoff.revokes(issuedAt: issuedAt, cutoff: cutoff) {
                return .userCutoff(user, cutoff)
            }
            if let sessionID,
                sessionsByID[sessionID]?.revokedAt != nil
                    || revocationLog.contains(where: { $0.kind == .session && $0.target == sessionID })
            {
                return .session(sessionID)
            }
            if let tokenID, revocationLog.contains(where: { $0.kind == .jti && $0.target == tokenID }) { return .tokenID(tokenID) }
            return nil
        }
    }

    public func appendAudit(_ entry: AuditEntry) throws(StoreError) {
        try locked { record(entry) }
    }

    public func auditEntries(limit: Int, before: (at: Double, id: Int64)?) throws(StoreError) -> [AuditEntry] {
        try locked {
            let sorted = audit.sorted { ($0.at, $0.id) > ($1.at, $1.id) }
            let after = sorted.filter { entry in before.map { entry.at < $0.at || (entry.at == $0.at && entry.id < $0.id) } ?? true }
            return Array(after.prefix(limit))
        }
    }

    // MARK: Verifiers

    public func recordVerifier(_ record: VerifierRecord) throws(StoreError) -> Bool {
        try locked {
            guard let merged = VerifierRegistry.merge(existing: verifierRecords[record.key], incoming: record) else { return false }
            verifierRecords[merged.key] = merged
            if verifierRecords.count > VerifierRegistry.capacity {
                let kept = verifierRecords.values.sorted { $0.lastSeen > $1.lastSeen }.prefix(VerifierRegistry.capacity)
                verifierRecords = Dictionary(uniqueKeysWithValues: kept.map { ($0.key, $0) })
            }
            return true
        }
    }

    public func verifiers() throws(StoreError) -> [VerifierRecord] {
        try locked { verifierRecords.values.sorted { ($0.lastSeen, $1.key) > ($1.lastSeen, $0.key) } }
    }

    public func forgetVerifiers(silentSince before: Double) throws(StoreError) -> Int {
        try locked {
            let count = verifierRecords.count
            verifierRecords = verifierRecords.filter { $0.value.lastSeen >= before }
            return count - verifierRecords.count
        }
    }
}
