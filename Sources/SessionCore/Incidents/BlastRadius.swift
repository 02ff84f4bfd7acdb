import JOSE

/// What an incident touches, read from the store before it is confirmed: the console's and
/// `sessionctl incident`'s "before" picture.
public struct BlastRadius: Sendable, Equatable {
    /// Active sessions that will be revoked (user, session, or a key with its sessions) or
    /// whose access tokens stop verifying (a key without them).
    public var sessions: Int
    /// Distinct users of those sessions (nil: not counted, for a key over the whole store).
    public var users: Int?
    /// Of those sessions, the ones used within the longest access-token lifetime: their
    /// access tokens may be live and in use right now.
    public var liveAccessTokens: Int
    /// Services with live verifiers, which must apply the event.
    public var services: [String]
    /// Live verifier instances among them.
    public var instances: Int

    public init(sessions: Int, users: Int?, liveAccessTokens: Int, services: [String], instances: Int) {
        self.sessions = sessions
        self.users = users
        self.liveAccessTokens = liveAccessTokens
        self.services = services
        self.instances = instances
    }

    /// At most this many sessions are read to count users and recent use; past it the
    /// figures are lower bounds and say so.
    public static let sessionScanLimit = 100_000

    /// Reads `incident`'s blast radius from `store` at `now`. A target that does not exist
    /// throws `notFound` (so nothing is written for it afterwards).
    public static func measure(_ incident: Incident, in store: any SessionStore, now: Double) throws(StoreError) -> BlastRadius {
        let recent = now - store.lifetimes.maxAccessTokenLifetime - store.lifetimes.leeway
        let live = try store.verifiers().filter { VerifierRegistry.liveness($0, now: now) == .live }
        let services = Array(Set(live.map(\.service))).sorted()
        switch incident.target {
        case .user(let name):
            let sessions = try store.sessions(SessionQuery(user: name, state: .active, limit: sessionScanLimit), now: now)
            if sessions.isEmpty, try store.user(named: name) == nil {
                // Sessions of any state, for imported data without a user row.
                guard try !store.sessions(SessionQuery(user: name, limit: 1), now: now).isEmpty else { throw .notFound("no user \(name)") }
            }
            return BlastRadius(
                sessions: sessions.count, users: 1, liveAccessTokens: sessions.filter { $0.lastUsedAt >= recent }.count, services: services,
                instances: live.count)
        case .session(let id):
            guard let session = try store.session(id: id) else { throw .notFound("no session \(id)") }
            let active = session.state(at: now) == .active
            return BlastRadius(
                sessions: active ? 1 : 0, users: 1, liveAccessTokens: active && session.lastUsedAt >= recent ? 1 : 0, services: services,
                instances: live.count)
        case .key(let kid):
            guard let key = try store.signingKeys().first(where: { $0.kid == kid }) else { throw .notFound("no signing key \(kid)") }
            // Only an active key, or a retiring one within its horizon, has signed tokens that
            // may still be live; those are the ones of sessions used recently.
            let signing = key.state == .active || (key.state == .retiring && (key.retiringAt ?? 0) >= recent)
            let used = signing ? try store.countActiveSessions(usedSince: recent, now: now) : 0
            let sessions = incident.revokeKeySessions ? used : try store.sessionCounts(now: now).active
            return BlastRadius(sessions: sessions, users: nil, liveAccessTokens: used, services: services, instances: live.count)
        }
    }

    /// "3 sessions of 1 user, 2 access tokens may be live; 2 services (4 instances) must react".
    public var summary: String {
        let who = users.map { " of \($0) user\($0 == 1 ? "" : "s")" } ?? ""
        let reacting =
            services.isEmpty
            ? "no verifier has reported"
            : "\(services.count) service\(services.count == 1 ? "" : "s") (\(instances) instance\(instances == 1 ? "" : "s")) must react"
        return
            "\(sessions) session\(sessions == 1 ? "" : "s")\(who), \(liveAccessTokens) access token\(liveAccessTokens == 1 ? "" : "s") may be live; \(reacting)"
    }

    public var json: JSONObject {
        var object = JSONObject([
            "sessions": .number(JSONNumber(sessions)), "live_access_tokens": .number(JSONNumber(liveAccessTokens)),
            "services": .array(services.map { .string($0) }), "instances": .number(JSONNumber(instances)),
        ])
        object["users"] = users.map { .number(JSONNumber($0)) } ?? .null
        return object
    }
}
