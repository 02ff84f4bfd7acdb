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
    /// Continue after this (created_at, id), newest first.
    public var after: (createdAt: Double, id: String)?

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
            && lhs.after?.id == rhs.after?.id
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
