/// Which sessions to list, in what order, from where (keyset pagination: no OFFSET).
public struct SessionQuery: Sendable, Equatable {
    /// Exact user name (case-insensitive).
    public var user: String?
    /// IP address prefix (`203.0.113.`).
    public var ipPrefix: String?
    /// Exact client.
    public var client: String?
    /// State at the query's `now`; nil for all.
    public var state: SessionState?
    /// Free text matched as a prefix of user, ip or client.
    public var text: String?
    /// Rows to return.
    public var limit: Int
    /// Continue after this (created_at, id), newest first (exclusive).
    public var after: (createdAt: Double, id: String)?
    /// Start at this (created_at, id), newest first (inclusive): reloading a window.
    public var from: (createdAt: Double, id: String)?
    /// Rows newer than this key (exclusive), the nearest ones; still returned newest first.
    public var before: (createdAt: Double, id: String)?
    /// The oldest rows instead of the newest (for jumping to the end); newest first.
    public var oldest = false

    public init(user: String? = nil, ipPrefix: String? = nil, client: String? = nil, state: SessionState? = nil,
                text: String? = nil, limit: Int = 50, after: (createdAt: Double, id: String)? = nil) {
        self.user = user
        self.ipPrefix = ipPrefix
        self.client = client
        self.state = state
        self.text = text
        self.limit = limit
        self.after = after
    }

    public static func == (lhs: SessionQuery, rhs: SessionQuery) -> Bool {
        lhs.user == rhs.user && lhs.ipPrefix == rhs.ipPrefix && lhs.client == rhs.client && lhs.state == rhs.state
            && lhs.text == rhs.text && lhs.limit == rhs.limit && lhs.after?.createdAt == rhs.after?.createdAt
            && lhs.after?.id == rhs.after?.id && lhs.from?.createdAt == rhs.from?.createdAt && lhs.from?.id == rhs.from?.id
            && lhs.before?.createdAt == rhs.before?.createdAt && lhs.before?.id == rhs.before?.id && lhs.oldest == rhs.oldest
    }

    /// Parses a console filter: `user:alice ip:203.0.113. state:revoked client:ios` plus
    /// free text (matched as a prefix of user, ip or client).
    public static func parseFilter(_ text: String, limit: Int = 50) -> SessionQuery {
        var query = SessionQuery(limit: limit)
        var words: [String] = []
        for token in text.split(separator: " ") {
            let parts = token.split(separator: ":", maxSplits: 1).map(String.init)
            if parts.count == 2, !parts[1].isEmpty {
                switch parts[0].lowercased() {
                case "user": query.user = parts[1]; continue
                case "ip": query.ipPrefix = parts[1]; continue
                case "client": query.client = parts[1]; continue
                case "state":
                    if let state = SessionState(rawValue: parts[1].lowercased()) { query.state = state; continue }
                default: break
                }
            }
            words.append(String(token))
        }
        query.text = words.isEmpty ? nil : words.joined(separator: " ")
        return query
    }
}

/// Per-minute activity over a recent window, oldest bucket first.
public struct ActivityHistogram: Sendable, Equatable {
    public var logins: [Int]
    public var revocations: [Int]

    public init(logins: [Int], revocations: [Int]) {
        self.logins = logins
        self.revocations = revocations
    }
}

/// Headline counts for dashboards.
public struct SessionCounts: Sendable, Equatable {
    public var active: Int
    public var revokedToday: Int
    public var expiringWithinHour: Int
    public var total: Int

    public init(active: Int, revokedToday: Int, expiringWithinHour: Int, total: Int) {
        self.active = active
        self.revokedToday = revokedToday
        self.expiringWithinHour = expiringWithinHour
        self.total = total
    }
}
