/// A text column of a session a filter can test.
public enum SessionTextField: String, Sendable, CaseIterable {
    case user, ip, client, agent, id

    /// The session's value of this field.
    public func value(of session: SessionRecord) -> String {
        switch self {
        case .user: session.user
        case .ip: session.ip
        case .client: session.client
        case .agent: session.userAgent
        case .id: session.id
        }
    }

    /// Compared ignoring ASCII case (every field but the session id).
    public var foldsCase: Bool { self != .id }
}

/// An index-backed text test every store runs in its query: the field starts with, or
/// equals, `value` (ignoring ASCII case, but for `id`).
public struct TextCondition: Sendable, Equatable {
    public var field: SessionTextField
    public var value: String
    public var exact: Bool

    public init(_ field: SessionTextField, _ value: String, exact: Bool = false) {
        self.field = field
        self.value = value
        self.exact = exact
    }

    /// The rule, for the in-memory store and for checking the others.
    public func matches(_ session: SessionRecord) -> Bool {
        let text = field.value(of: session)
        if field.foldsCase {
            let (a, b) = (text.lowercased(), value.lowercased())
            return exact ? a == b : a.hasPrefix(b)
        }
        return exact ? text == value : text.hasPrefix(value)
    }
}

/// A session time a filter can bound.
public enum SessionTimeField: String, Sendable, CaseIterable {
    /// `created_at`.
    case created
    /// `last_used_at` ("seen").
    case seen
    /// The end of the session: the earlier of its absolute and idle expiry.
    case expires

    public func value(of session: SessionRecord) -> Double {
        switch self {
        case .created: session.createdAt
        case .seen: session.lastUsedAt
        case .expires: min(session.expiresAt, session.idleExpiresAt)
        }
    }
}

/// An index-backed time test every store runs in its query: the field is after or before
/// an absolute time (strictly).
public struct TimeBound: Sendable, Equatable {
    public var field: SessionTimeField
    /// True: the field is later than `time`; false: earlier.
    public var after: Bool
    public var time: Double

    public init(_ field: SessionTimeField, after: Bool, _ time: Double) {
        self.field = field
        self.after = after
        self.time = time
    }

    public func matches(_ session: SessionRecord) -> Bool {
        let value = field.value(of: session)
        return after ? value > time : value < time
    }
}
