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
    /// User agent, A to Z.
    case userAgent = "user_agent"
    /// Soonest end (idle or absolute) first: ended sessions, then those about to end.
    case expires
    /// Active, then expired, then revoked sessions; newest first within each.
    case state

    /// True when the listing runs from high to low values.
    public var descending: Bool { self == .created || self == .lastUsed }

    /// The order of states in a `.state` listing.
    public static let stateOrder: [SessionState] = [.active, .expired, .revoked]

    /// The sort value of a session at `now` (only `.state` depends on the time).
    public func value(of session: SessionRecord, now: Double) -> SortValue {
        switch self {
        case .created: .number(session.createdAt)
        case .lastUsed: .number(session.lastUsedAt)
        case .user: .text(session.user)
        case .ip: .text(session.ip)
        case .client: .text(session.client)
        case .userAgent: .text(session.userAgent)
        case .expires: .number(session.idleExpiresAt)
        case .state: .ranked(Self.stateOrder.firstIndex(of: session.state(at: now)) ?? 0, session.createdAt)
        }
    }
}

/// A sort column's value: a time or a (case-insensitively compared) text.
public enum SortValue: Sendable, Equatable {
    case number(Double)
    case text(String)
    /// A state's place in `SessionSort.stateOrder`, and the creation time within it.
    case ranked(Int, Double)

    /// Orders values the way the store does: numbers numerically, texts ignoring case;
    /// ranked values by rank, then newest first.
    public static func < (lhs: SortValue, rhs: SortValue) -> Bool {
        switch (lhs, rhs) {
        case (.number(let a), .number(let b)): a < b
        case (.text(let a), .text(let b)): a.lowercased() < b.lowercased()
        case (.ranked(let ra, let ca), .ranked(let rb, let cb)): ra != rb ? ra < rb : ca > cb
        case (.number, _): true
        case (.text, .ranked): true
        default: false
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

    /// The cursor of `session` in `sort` order at `now`.
    public init(_ session: SessionRecord, sort: SessionSort, now: Double) {
        self.init(value: sort.value(of: session, now: now), id: session.id)
    }

    /// True when `self` comes before `other` in `sort`'s listing order.
    public func precedes(_ other: SessionCursor, in sort: SessionSort) -> Bool {
        if value == other.value || (!(value < other.value) && !(other.value < value)) {
            // Ties break on id in the direction of the listing (newest-first orders descend).
            return sort.descending || sort == .state ? id > other.id : id < other.id
        }
        return sort.descending ? other.value < value : value < other.value
    }

    /// The same position as a `.created` cursor (within one state of a `.state` listing).
    var createdCursor: SessionCursor {
        if case .ranked(_, let created) = value { return SessionCursor(value: .number(created), id: id) }
        return self
    }

    /// The state rank of a `.state` cursor.
    var rank: Int {
        if case .ranked(let rank, _) = value { return rank }
        return 0
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
    /// Text tests every store answers from its indexes (prefix or exact, ASCII case ignored
    /// but for `id`), all of which must hold.
    public var conditions: [TextCondition] = []
    /// Time bounds every store answers from its indexes, all of which must hold.
    public var timeBounds: [TimeBound] = []
    /// Filter terms no index answers. Stores ignore them: `SessionSearch` checks them on the
    /// rows the store returns.
    public var residual: [SessionFilter.Term] = []
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

    public init(
        user: String? = nil, ipPrefix: String? = nil, client: String? = nil, state: SessionState? = nil,
        text: String? = nil, limit: Int = 50, sort: SessionSort = .created, after: SessionCursor? = nil
    ) {
        self.user = user
        self.ipPrefix = ipPrefix
        self.client = client
        self.state = state
        self.text = text
        self.limit = limit
        self.sort = sort
        self.after = after
    }

    /// Narrows to sessions in `state`; asking for a second, different state matches nothing
    /// (an exact id no session has: NUL is not base64url), answered by the primary key.
    public mutating func require(state: SessionState) {
        if let chosen = self.state, chosen != state { conditions.append(TextCondition(.id, "\u{0}", exact: true)) }
        self.state = state
    }

    /// True when `session` passes the query's conditions and time bounds (the
    /// in-memory store's rule, and what the SQL stores must agree with).
    public func matchesIndexed(_ session: SessionRecord) -> Bool {
        conditions.allSatisfy { $0.matches(session) } && timeBounds.allSatisfy { $0.matches(session) }
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
    /// True when `total` (and so `active`) is the database's estimate rather than a count:
    /// a PostgreSQL store past a few hundred thousand sessions, where counting every row
    /// each second would cost more than the console's refresh is worth.
    public var estimated: Bool

    public init(active: Int, revokedToday: Int, expiringWithinHour: Int, total: Int, estimated: Bool = false) {
        self.active = active
        self.revokedToday = revokedToday
        self.expiringWithinHour = expiringWithinHour
        self.total = total
        self.estimated = estimated
    }
}

/// A listing in `.state` order, assembled from newest-first pages of one state at a time,
/// so each piece is an indexed keyset query. Both stores use it.
public enum StateOrderedListing {
    public static func sessions(_ query: SessionQuery, fetch: (SessionQuery) throws(StoreError) -> [SessionRecord]) throws(StoreError) -> [SessionRecord] {
        let order = SessionSort.stateOrder
        func group(_ rank: Int) -> SessionQuery? {
            if let only = query.state, only != order[rank] { return nil }
            var sub = query
            sub.sort = .created
            sub.state = order[rank]
            sub.after = nil
            sub.from = nil
            sub.before = nil
            sub.oldest = false
            return sub
        }
        var rows: [SessionRecord] = []
        if query.before != nil || query.oldest {
            let start = query.before?.rank ?? order.count - 1
            for rank in stride(from: start, through: 0, by: -1) {
                guard rows.count < query.limit, var sub = group(rank) else { continue }
                if rank == start, let before = query.before { sub.before = before.createdCursor } else { sub.oldest = true }
                sub.limit = query.limit - rows.count
                rows = try fetch(sub) + rows
            }
            return rows
        }
        let cursor = query.after ?? query.from
        let start = cursor?.rank ?? 0
        for rank in start..<order.count {
            guard rows.count < query.limit, var sub = group(rank) else { continue }
            if rank == start {
                sub.after = query.after?.createdCursor
                sub.from = query.from?.createdCursor
            }
            sub.limit = query.limit - rows.count
            rows += try fetch(sub)
        }
        return rows
    }
}
