import JOSE

/// How many of one user's sessions are in each state.
public struct SessionStateCounts: Sendable, Equatable {
    public var active: Int
    public var revoked: Int
    public var expired: Int

    public init(active: Int = 0, revoked: Int = 0, expired: Int = 0) {
        self.active = active
        self.revoked = revoked
        self.expired = expired
    }

    public var total: Int { active + revoked + expired }

    /// Counts `state` once more.
    public mutating func add(_ state: SessionState) {
        switch state {
        case .active: active += 1
        case .revoked: revoked += 1
        case .expired: expired += 1
        }
    }
}

/// One user's whole picture, for support staff and the console's user view: the account
/// (never its password hash), sessions by state and the most recently used, the login
/// throttle and recent failures, and the audit trail.
public struct UserOverview: Sendable, Equatable {
    /// The name asked for.
    public var name: String
    /// The account, its password hash blanked; nil when sessions name a user with no account.
    public var user: UserRecord?
    public var sessions: SessionStateCounts
    /// Most recently used first.
    public var recentSessions: [SessionRecord]
    public var logins: LoginStanding
    /// Recorded attempts inside the window, newest first.
    public var attempts: [LoginAttemptRecord]
    /// Entries naming the user or one of the user's sessions, newest first.
    public var audit: [AuditEntry]
    public var at: Double

    public init(
        name: String, user: UserRecord?, sessions: SessionStateCounts, recentSessions: [SessionRecord], logins: LoginStanding,
        attempts: [LoginAttemptRecord], audit: [AuditEntry], at: Double
    ) {
        self.name = name
        self.user = user.map { account in
            var blanked = account
            blanked.passwordHash = ""
            return blanked
        }
        self.sessions = sessions
        self.recentSessions = recentSessions
        self.logins = logins
        self.attempts = attempts
        self.audit = audit
        self.at = at
    }
}

extension UserOverview {
    /// Sessions listed, most recently used first.
    public static let sessionLimit = 100
    /// Audit entries listed, newest first.
    public static let auditLimit = 100

    /// Reads one user's picture from `store` at `now` (four indexed reads, not one
    /// transaction: each part is as of its own read). `.notFound` when there is neither an
    /// account nor a session of that name.
    public static func load(_ name: String, from store: any SessionStore, limits: LoginLimits = LoginLimits(), now: Double) throws(StoreError) -> UserOverview {
        let user = try store.user(named: name)
        let sessions = try store.sessionStates(user: name, now: now)
        guard user != nil || sessions.total > 0 else { throw StoreError.notFound("no user \(name)") }
        let recent = try store.sessions(SessionQuery(user: name, limit: sessionLimit, sort: .lastUsed), now: now)
        let attempts = try store.loginAttempts(user: name, since: limits.windowStart(now: now), limit: 2 * max(limits.perUser, limits.perAddress))
        return UserOverview(
            name: name, user: user, sessions: sessions, recentSessions: recent, logins: limits.standing(attempts, now: now), attempts: attempts,
            audit: try store.auditEntries(about: name, limit: auditLimit), at: now)
    }
}

extension UserOverview {
    /// The JSON form `users show --json` prints (RFC 3339 UTC times; no password hash).
    public var json: JSONObject {
        var object = JSONObject()
        object["user"] = .string(name)
        if let user {
            var account = JSONObject()
            account["created_at"] = .string(Timestamp.rfc3339(user.createdAt))
            account["disabled"] = .bool(user.disabled)
            account["cutoff"] = user.notBefore.map { .string(Timestamp.rfc3339($0)) } ?? .null
            object["account"] = .object(account)
        } else {
            object["account"] = .null
        }
        object["sessions"] = .object(
            JSONObject([
                "active": .number(JSONNumber(sessions.active)), "revoked": .number(JSONNumber(sessions.revoked)),
                "expired": .number(JSONNumber(sessions.expired)), "total": .number(JSONNumber(sessions.total)),
            ]))
        var logins = JSONObject()
        logins["attempts_held"] = .number(JSONNumber(self.logins.held))
        logins["limit"] = .number(JSONNumber(self.logins.limit))
        logins["window_seconds"] = .number(JSONNumber(Int(self.logins.window)))
        logins["throttled"] = .bool(self.logins.retryAfter != nil)
        logins["retry_after_seconds"] = self.logins.retryAfter.map { .number(JSONNumber(Int($0.rounded(.up)))) } ?? .null
        logins["failures"] = .array(
            attempts.filter(\.failed).map { .object(JSONObject(["at": .string(Timestamp.rfc3339($0.at)), "address": .string($0.address)])) })
        object["logins"] = .object(logins)
        object["recent_sessions"] = .array(recentSessions.map { .object($0.json(now: at)) })
        object["audit"] = .array(audit.map { .object($0.json) })
        return object
    }
}

extension UserOverview {
    /// "account since 2025-10-03 · enabled · no cutoff", or why there is no account.
    public var accountLine: String {
        guard let user else { return "no account: sessions only (imported or from another store)" }
        let cutoff =
            user.notBefore.map { "cutoff \(Timestamp.rfc3339($0).dropLast().replacingOccurrences(of: "T", with: " ")) UTC: earlier tokens refused" }
            ?? "no cutoff"
        return "account since \(Timestamp.rfc3339(user.createdAt).prefix(10)) · \(user.disabled ? "DISABLED: cannot log in" : "enabled") · \(cutoff)"
    }

    /// "2 active · 0 revoked · 1 expired · 3 in all".
    public var sessionsLine: String {
        "\(sessions.active) active · \(sessions.revoked) revoked · \(sessions.expired) expired · \(sessions.total) in all"
    }

    /// The throttle: may log in (and how many attempts are used), or for how long not.
    public var loginsLine: String {
        let window = Timestamp.duration(logins.window)
        if let wait = logins.retryAfter {
            return "THROTTLED: \(logins.held) of \(logins.limit) attempts used in \(window); next try in \(Timestamp.duration(wait))"
        }
        return "may log in: \(logins.held) of \(logins.limit) attempts used in the last \(window)"
    }

    /// The most recent failed attempts (address, how long ago), or that there were none.
    public func failuresLine(now: Double, limit: Int = 4) -> String {
        let failures = attempts.filter(\.failed).prefix(limit).map { "\($0.address) \(Timestamp.relative($0.at, now: now))" }
        return failures.isEmpty ? "none in the last \(Timestamp.duration(logins.window))" : failures.joined(separator: " · ")
    }
}
