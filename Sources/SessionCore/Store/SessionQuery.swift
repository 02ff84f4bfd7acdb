/// The orders a session listing can take. Each is served by an index, so paging stays
/// fast at a million rows.
public enum SessionSort: String, Sendable, CaseIterable {
    /// Newest first (the default).
    case created
    /// Most recently used first.
    case lastUsed = "last_used"
    /// User name, A to Z.
    case user
    /// Address, in text order.
    case ip
    /// Client, A to Z.
    case client
    /// Soonest end (idle or absolute) first: ended sessions, then those about to end.
    case expires

    /// True when the listing runs from high to low values.
    public var descending: Bool { self == .created || self == .lastUsed }

    /// The sort value of a session.
    public func value(of session: SessionRecord) -> SortValue {
        switch self {
        case .created: .number(session.createdAt)
        case .lastUsed: .number(session.lastUsedAt)
        case .user: .text(session.user)
        case .ip: .text(session.ip)
        case .client: .text(session.client)
        case .expires: .number(session.idleExpiresAt)
        }
    }
}

/// A sort column's value: a time or a (case-insensitively compared) text.
public enum SortValue: Sendable, Equatable {
    case number(Double)
    case text(String)

    /// Orders values the way the store does: numbers numerically, texts ignoring case.
    public static func < (lhs: SortValue, rhs: SortValue) -> Bool {
        switch (lhs, rhs) {
        case (.number(let a), .number(let b)): a < b
        case (.text(let a), .text(let b)): a.lowercased() < b.lowercased()
        case (.number, .text): true
        case (.text, .number): false
        }
    }
}

/// A position in a listing: the sort value and id of a row (keyset pagination).
public struct SessionCursor: Sendable, Equatable {
    public var value: SortValue
    public var id: String

    public init(value: SortValue, id: String) {
        self.value = value
        self.id = id
    }

    /// The cursor of `session` in `sort` order.
    public init(_ session: SessionRecord, sort: SessionSort) {
        self.init(value: sort.value(of: session), id: session.id)
    }

    /// True when `self` comes before `other` in `sort`'s listing order.
    public func precedes(_ other: SessionCursor, in sort: SessionSort) -> Bool {
        if value == other.value || (!(value < other.value) && !(other.value < value)) {
            return sort.descending ? id > other.id : id < other.id
        }
        return sort.descending ? other.value < value : value < other.value
    }
}

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
    /// The listing order.
    public var sort: SessionSort = .created
    /// Continue after this row (exclusive).
    public var after: SessionCursor?
    /// Start at this row (inclusive): reloading a window.
    public var from: SessionCursor?
    /// The rows just before this one (exclusive), still returned in listing order.
    public var before: SessionCursor?
    /// The last rows of the listing instead of the first (jumping to the end).
    public var oldest = false

    public init(user: String? = nil, ipPrefix: String? = nil, client: String? = nil, state: SessionState? = nil,
                text: String? = nil, limit: Int = 50, sort: SessionSort = .created, after: SessionCursor? = nil) {
        self.user = user
        self.ipPrefix = ipPrefix
        self.client = client
        self.state = state
        self.text = text
        self.limit = limit
        self.sort = sort
        self.after = after
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
    public var refreshes: [Int]
    public var revocations: [Int]

    public init(logins: [Int], refreshes: [Int], revocations: [Int]) {
        self.logins = logins
        self.refreshes = refreshes
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
