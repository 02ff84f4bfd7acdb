import Foundation
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
    /// Told how long work is going ("exporting: 12000 sessions"), so the console can show it
    /// while the effect runs.
    public var onProgress: ((String) -> Void)?
    /// Asked between chunks of long work: true when the user pressed Esc to stop it.
    public var cancelRequested: (() -> Bool)?

    public init(
        store: any SessionStore, storePath: String, actor: String, environment: [String: String],
        themesFolder: String, clock: @escaping () -> Double
    ) {
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
            return .sessionsLoaded(try SessionSearch.sessions(query, in: store, now: now), mode)
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
        case .saveViews(let views, let path, let saved):
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            let file = try AtomicFile(path: path)
            try file.write(SavedViews.render(views))
            try file.commit()
            return .noted("saved view \(saved) in \(path)")
        case .export(let query, let path):
            guard let format = SessionExport.Format(path: path) else { return .failed("export: the file must end in .csv, .json or .ndjson") }
            let file = try AtomicFile(path: path)
            let progress = onProgress
            let count = try SessionExport.run(query, in: store, now: now, format: format, write: file.write) { done in
                progress?("exporting: \(done) sessions…")
            }
            try file.commit()
            return .noted("exported \(count) session\(count == 1 ? "" : "s") to \(path) (\(format.rawValue), public fields only)")
        case .measureBulk(let query, let criteria):
            let progress = onProgress
            let radius = try administration.bulkRadius(query, now: now) { progress?("counting the matches: \($0)…") }
            return .bulkMeasured(query, criteria: criteria, radius)
        case .perform(.revokeMatching(let query, let criteria, let total), let reason):
            let progress = onProgress, cancel = cancelRequested
            let outcome = try administration.revokeMatching(query, criteria: criteria, audit: AuditContext(actor: actor, reason: reason, at: now)) { done in
                progress?("revoking: \(done) of \(max(total, done)) — Esc stops after this chunk")
                return !(cancel?() ?? false)
            }
            let count = "\(outcome.revoked) session\(outcome.revoked == 1 ? "" : "s")"
            return .performed(
                outcome.cancelled
                    ? "stopped: \(count) revoked (each committed), the rest untouched"
                    : "revoked \(count) matching \(criteria.isEmpty ? "everything" : criteria)")
        case .loadUser(let name):
            return .userLoaded(try UserOverview.load(name, from: store, now: now))
        case .loadVerifiers:
            return .verifiersLoaded(try VerifierStatus.all(in: store, now: now), now: now)
        case .perform(.incident(let incident), let reason):
            let radius = try BlastRadius.measure(incident, in: store, now: now)
            let act = try administration.contain(incident, radius: radius, audit: AuditContext(actor: actor, reason: reason, at: now))
            return .containing(act, reason: reason, startedAt: now)
        case .recordIncidentOutcome(let incident, let progress, let reason):
            try administration.recordOutcome(of: incident, progress, audit: AuditContext(actor: actor, reason: reason, at: now))
            return .noted("audited: \(progress.line)")
        case .prepare(let action, let reason):
            return .confirmReady(action, reason: reason, impact: try impact(of: action, now: now))
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

    /// The facts the confirmation of `action` states, read from the store.
    func impact(of action: PendingAction, now: Double) throws(StoreError) -> ActionImpact {
        var impact = ActionImpact(keyHorizon: store.lifetimes.horizon(after: 0))
        switch action {
        case .revokeSessions:
            break
        case .revokeUser(let user), .setUserDisabled(let user, _):
            impact.liveSessions = try store.sessionStates(user: user, now: now).active
        case .rotateKey, .revokeKey:
            let keys = try store.signingKeys()
            impact.liveSessions = try store.sessionCounts(now: now).active
            impact.nextKid = keys.first { $0.state == .next }?.kid
            impact.freshAlgorithm = Administration.freshKeyAlgorithm(requested: nil, keys: keys).rawValue
            if case .revokeKey(let kid) = action { impact.keyIsActive = keys.first { $0.kid == kid }?.state == .active }
        case .retireKey:
            break
        case .incident(let incident):
            impact.blastRadius = try BlastRadius.measure(incident, in: store, now: now)
        case .revokeMatching:
            break  // the state holds the count made when D was pressed
        }
        return impact
    }

    /// The administrative acts, with the store's key-encryption key loaded only when a fresh
    /// key must be sealed.
    private var administration: Administration {
        let environment = self.environment, storePath = self.storePath
        return Administration(store: store) { () throws(StoreError) -> KeyEncryptionKey in
            try KeyEncryptionKey.load(environment: environment, storePath: storePath, create: true).key
        }
    }

    private func execute(_ action: PendingAction, audit: AuditContext) throws(StoreError) -> String {
        switch action {
        case .revokeSessions(let ids, _):
            let count = try administration.revokeSessions(ids: ids, audit: audit)
            return "revoked \(count) session\(count == 1 ? "" : "s")"
        case .revokeUser(let user):
            let count = try administration.revokeUser(user, audit: audit)
            return "revoked \(user): \(count) session\(count == 1 ? "" : "s") ended, earlier tokens refused"
        case .setUserDisabled(let user, let disabled):
            try store.setUserDisabled(user, disabled: disabled, audit: audit)
            return disabled ? "disabled \(user): no new logins (sessions stay until revoked)" : "enabled \(user)"
        case .rotateKey:
            let kid = try administration.changeKeys(.rotate, audit: audit).newActiveKid ?? "?"
            return "rotated: \(kid.prefix(16))… now signs"
        case .retireKey(let kid):
            try administration.changeKeys(.retire(kid), audit: audit)
            return "retired \(kid.prefix(16))…"
        case .revokeKey(let kid):
            try administration.changeKeys(.revoke(kid), audit: audit)
            return "revoked key \(kid.prefix(16))…"
        case .incident, .revokeMatching:
            preconditionFailure("performed with their progress by perform(_:)")
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
        let token: String
        do {
            token = try AccessTokenClaims.sign(
                for: session, issuer: "sessionctl-console", audience: "inspector",
                lifetime: Int(store.lifetimes.maxAccessTokenLifetime), now: now, key: key)
        } catch {
            return .failed("cannot sign a sample token: \(error)")
        }
        return .inspected(TokenInspection(token: token, store: store, now: now), token: token)
    }
}
