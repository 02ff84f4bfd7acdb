import JOSE
import SessionCore

/// A column of the sessions table: its title, width, how much it matters when the terminal
/// is narrow, the sort it shows, and its cell. Chosen with `c`, kept in saved views.
public enum SessionColumn: String, Sendable, CaseIterable {
    case user, client, ip
    case userAgent = "user_agent"
    case created
    case lastSeen = "last_seen"
    case expires, state, id, rotations

    /// The columns a console starts with.
    public static let defaults: [SessionColumn] = [.user, .client, .ip, .userAgent, .created, .lastSeen, .expires, .state]

    public var title: String {
        switch self {
        case .user: "USER"
        case .client: "CLIENT"
        case .ip: "IP"
        case .userAgent: "USER AGENT"
        case .created: "CREATED"
        case .lastSeen: "LAST SEEN"
        case .expires: "EXPIRES IN"
        case .state: "STATE"
        case .id: "SESSION"
        case .rotations: "ROTATIONS"
        }
    }

    /// What the chooser says about it.
    public var meaning: String {
        switch self {
        case .user: "the user name"
        case .client: "the client the session logged in through"
        case .ip: "the address of the last login or refresh"
        case .userAgent: "the user agent (takes the width left over)"
        case .created: "when the session logged in (UTC)"
        case .lastSeen: "how long ago it last refreshed"
        case .expires: "time left before the idle or absolute end"
        case .state: "active, revoked or expired"
        case .id: "the start of the session id"
        case .rotations: "refresh-token rotations so far"
        }
    }

    /// Cells wide; 0 for the user agent, which takes what is left (at least 8).
    public var width: Int {
        switch self {
        case .user: 18
        case .client: 7
        case .ip: 16
        case .userAgent: 0
        case .created: 11
        case .lastSeen: 9
        case .expires: 10
        case .state: 7
        case .id: 10
        case .rotations: 9
        }
    }

    /// Higher is kept longer: on a narrow terminal the least important chosen column goes first.
    public var importance: Int {
        switch self {
        case .user: 10
        case .state: 9
        case .ip: 8
        case .lastSeen: 7
        case .expires: 6
        case .client: 5
        case .userAgent: 4
        case .created: 3
        case .id: 2
        case .rotations: 1
        }
    }

    /// The sort order this column shows, if any.
    public var sort: SessionSort? {
        switch self {
        case .user: .user
        case .client: .client
        case .ip: .ip
        case .userAgent: .userAgent
        case .created: .created
        case .lastSeen: .lastUsed
        case .expires: .expires
        case .state: .state
        case .id, .rotations: nil
        }
    }

    /// The cell for `session` at `now` (terminal-safe: `DisplayWidth` drops control characters).
    public func cell(_ session: SessionRecord, now: Double) -> String {
        switch self {
        case .user: return session.user
        case .client: return session.client
        case .ip: return session.ip
        case .userAgent: return session.userAgent
        case .created: return Timestamp.rfc3339(session.createdAt).prefix(16).replacingOccurrences(of: "T", with: " ").dropFirst(5).description
        case .lastSeen: return Timestamp.relative(session.lastUsedAt, now: now).replacingOccurrences(of: " ago", with: "")
        case .expires:
            return session.state(at: now) == .active ? Timestamp.duration(min(session.expiresAt, session.idleExpiresAt) - now) : "-"
        case .state: return session.state(at: now).rawValue
        case .id: return String(session.id.prefix(8)) + (session.id.count > 8 ? "…" : "")
        case .rotations: return String(session.rotations)
        }
    }

    /// Parses `user,ip,state` (the saved-view form), or names the first unknown or repeated column.
    public static func parseList(_ text: Substring) -> Result<[SessionColumn], ColumnListError> {
        var columns: [SessionColumn] = []
        for name in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let column = SessionColumn(rawValue: String(name)) else { return .failure(.unknown(String(name.prefix(40)))) }
            guard !columns.contains(column) else { return .failure(.repeated(column.rawValue)) }
            columns.append(column)
        }
        return columns.isEmpty ? .failure(.unknown("")) : .success(columns)
    }

    /// Why a column list was refused.
    public enum ColumnListError: Error, Equatable {
        case unknown(String)
        case repeated(String)
    }

    /// The columns of `chosen` that fit `width` cells (after the one-cell mark column), in
    /// their chosen order: the least important dropped first, never the last one.
    public static func fitting(_ chosen: [SessionColumn], width: Int) -> [SessionColumn] {
        var shown = chosen
        // The mark column and its gap, then each column and its gap; the flexible one needs 8.
        func needed(_ columns: [SessionColumn]) -> Int { 3 + columns.reduce(0) { $0 + ($1.width == 0 ? 8 : $1.width) + 1 } }
        while shown.count > 1, needed(shown) > width, let least = shown.min(by: { $0.importance < $1.importance }) {
            shown.removeAll { $0 == least }
        }
        return shown
    }
}
