import SessionCore
import JOSE
import TerminalUI

/// Runs the state machine's effects against the store and answers with events. The only
/// part of the console that does I/O besides the terminal backend.
public final class EffectRunner {
    let store: any SessionStore
    let storePath: String
    let actor: String
    let environment: [String: String]
    let themesFolder: String
    let clock: () -> Double

    public init(store: any SessionStore, storePath: String, actor: String, environment: [String: String],
                themesFolder: String, clock: @escaping () -> Double) {
        self.store = store
        self.storePath = storePath
        self.actor = actor
        self.environment = environment
        self.themesFolder = themesFolder
        self.clock = clock
    }

    /// Runs one effect and answers with the event that reports it.
    public func run(_ effect: ConsoleEffect) -> ConsoleEvent {
        do {
            return try perform(effect)
        } catch {
            return .failed(error.description)
        }
    }

    private func perform(_ effect: ConsoleEffect) throws(StoreError) -> ConsoleEvent {
        let now = clock()
        switch effect {
        case .loadSessions(let query, let mode):
            return .sessionsLoaded(try store.sessions(query, now: now), mode)
        case .loadDetail(let id):
            guard let session = try store.session(id: id) else { return .failed("session \(id) no longer exists") }
            return .detailLoaded(session, try store.refreshHistory(sessionID: id))
        case .loadKeys:
            try store.retireExpiredKeys(at: now)
            return .keysLoaded(try store.signingKeys(), try impact(now: now))
        case .loadAudit:
            return .auditLoaded(try store.auditEntries(limit: 2000, before: nil))
        case .loadCounts:
            return .countsLoaded(try store.sessionCounts(now: now), try store.activity(now: now, bucket: 60, buckets: 60))
        case .prepare(let action, let reason):
            return .confirmReady(action, reason: reason, summary: try summary(action, now: now))
        case .perform(let action, let reason):
            return .performed(try execute(action, audit: AuditContext(actor: actor, reason: reason, at: now)))
        case .inspect(let token):
            return .inspected(TokenInspection(token: token, store: store, now: now), token: token)
        case .mintToken(let session):
            return try mint(session, now: now)
        case .setTheme(let name):
            do {
                return .themeChanged(try Theme.load(named: name, from: themesFolder))
            } catch {
                return .failed("theme: \(error)")
            }
        }
    }

    private func impact(now: Double) throws(StoreError) -> KeyImpact {
        let counts = try store.sessionCounts(now: now)
        let used = try store.countActiveSessions(usedSince: now - store.lifetimes.maxAccessTokenLifetime, now: now)
        return KeyImpact(liveSessions: counts.active, recentlyUsed: used)
    }

    /// What an action will change, in one sentence ending in a question.
    func summary(_ action: PendingAction, now: Double) throws(StoreError) -> String {
        switch action {
        case .revokeSessions(let ids, let users):
            let who = users.count == 1 ? " of \(users[0])" : users.isEmpty ? "" : " of \(users.count) users"
            return "Revoke \(ids.count) session\(ids.count == 1 ? "" : "s")\(who)? Their refresh tokens stop working and access tokens are refused."
        case .revokeUser(let user):
            let live = try store.sessions(SessionQuery(user: user, state: .active, limit: 100_000), now: now).count
            return "Revoke all \(live) active session\(live == 1 ? "" : "s") of \(user), and refuse every token issued to \(user) until now?"
        case .rotateKey:
            let keys = try store.signingKeys()
            let next = keys.first { $0.state == .next }
            let counts = try store.sessionCounts(now: now)
            return "Rotate: \(next.map { "next key \($0.kid.prefix(12))…" } ?? "a new ES256 key") signs from now; the active key retires after 6 min. \(counts.active) live sessions keep working?"
        case .retireKey(let kid):
            return "Retire key \(kid.prefix(12))…? It leaves the JWKS; tokens it signed stop verifying."
        case .revokeKey(let kid):
            let keys = try store.signingKeys()
            let counts = try store.sessionCounts(now: now)
            let active = keys.first { $0.kid == kid }?.state == .active
            return "REVOKE key \(kid.prefix(12))…? It leaves the JWKS now" + (active ? "; a new key signs; access tokens of \(counts.active) live sessions are refused until they refresh?" : "?")
        }
    }

    private func freshKey(now: Double) throws(StoreError) -> SigningKeyRecord {
        let kek = try KeyEncryptionKey.load(environment: environment, storePath: storePath, create: true).key
        return try KeyRing.makeRecord(.es256, kek: kek, at: now)
    }

    private func execute(_ action: PendingAction, audit: AuditContext) throws(StoreError) -> String {
        switch action {
        case .revokeSessions(let ids, _):
            let count = try store.revokeSessions(ids: ids, audit: audit)
            return "revoked \(count) session\(count == 1 ? "" : "s")"
        case .revokeUser(let user):
            let count = try store.revokeUser(user, audit: audit)
            return "revoked \(user): \(count) session\(count == 1 ? "" : "s") ended, earlier tokens refused"
        case .rotateKey:
            let kid = try store.rotateSigningKeys(fresh: try freshKey(now: audit.at), audit: audit)
            return "rotated: \(kid.prefix(16))… now signs"
        case .retireKey(let kid):
            try store.retireSigningKey(kid: kid, audit: audit)
            return "retired \(kid.prefix(16))…"
        case .revokeKey(let kid):
            try store.revokeSigningKey(kid: kid, fresh: try freshKey(now: audit.at), audit: audit)
            return "revoked key \(kid.prefix(16))…"
        }
    }

    /// An access token for `session`, signed with the active key, for the inspector.
    private func mint(_ session: SessionRecord, now: Double) throws(StoreError) -> ConsoleEvent {
        guard let record = try store.signingKeys().first(where: { $0.state == .active }) else {
            return .failed("no active signing key to sign a sample token")
        }
        let kek: KeyEncryptionKey
        do {
            kek = try KeyEncryptionKey.load(environment: environment, storePath: storePath, create: false).key
        } catch {
            return .failed("cannot sign a sample token: \(error)")
        }
        let key = try KeyRing.signingKey(record, kek: kek)
        var claims = JSONObject()
        claims["iss"] = .string("sessionctl-console")
        claims["sub"] = .string(session.user)
        claims["aud"] = .string("inspector")
        claims["iat"] = .number(JSONNumber(Int(now)))
        claims["exp"] = .number(JSONNumber(Int(now) + Int(store.lifetimes.maxAccessTokenLifetime)))
        claims["jti"] = .string(SecureRandom.identifier())
        claims["sid"] = .string(session.id)
        claims["client_id"] = .string(session.client)
        let token: String
        do {
            token = try JWSSigner.sign(claims, key: key, type: "at+jwt")
        } catch {
            return .failed("cannot sign a sample token: \(error)")
        }
        return .inspected(TokenInspection(token: token, store: store, now: now), token: token)
    }
}
