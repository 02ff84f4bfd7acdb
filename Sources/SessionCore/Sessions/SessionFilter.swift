/// The filter language of the console's `/` and `sessionctl sessions list|revoke --where`:
/// terms separated by spaces, all of which must hold.
///
/// - `user:al` prefix, `user:=alice` exact, `user:~ice` substring (fields `user`, `ip`,
///   `client`, `agent` (user agent), `id`; case ignored but for `id`);
/// - `ip:203.0.113.0/24`, `ip:2001:db8::/32`: the address is in the network;
/// - `created>2h` (more than two hours ago), `created<2h` (within the last two), `seen<10m`,
///   `expires<1d` (ends within a day), `expires>7d`; units `s m h d w`;
/// - `state:active` (`revoked`, `expired`);
/// - `-TERM` negates a term: `-client:cli`;
/// - any other word: the start of the user, address or client.
///
/// Parsing is pure; `query(limit:now:)` turns the terms into what a store's indexes answer
/// (`TextCondition`, `TimeBound`, the state) plus `residual` terms that `SessionSearch`
/// checks on the rows it reads, within a scan bound.
public struct SessionFilter: Sendable, Equatable {
    /// One term.
    public struct Term: Sendable, Equatable {
        public enum Test: Sendable, Equatable {
            case prefix(SessionTextField, String)
            case exact(SessionTextField, String)
            case substring(SessionTextField, String)
            case network(IPNetwork)
            /// The field is more (`older`) or less than `seconds` from now: in the past for
            /// created and seen, in the future for expires.
            case age(SessionTimeField, older: Bool, seconds: Double)
            case state(SessionState)
            /// Free text: the start of the user, address or client.
            case text(String)
        }

        public var test: Test
        public var negated: Bool

        public init(_ test: Test, negated: Bool = false) {
            self.test = test
            self.negated = negated
        }

        /// The term's rule at `now`: the truth every store's query must agree with.
        public func matches(_ session: SessionRecord, now: Double) -> Bool {
            let holds: Bool
            switch test {
            case .prefix(let field, let value): holds = TextCondition(field, value).matches(session)
            case .exact(let field, let value): holds = TextCondition(field, value, exact: true).matches(session)
            case .substring(let field, let value):
                holds = field.foldsCase ? field.value(of: session).lowercased().contains(value.lowercased()) : field.value(of: session).contains(value)
            case .network(let network): holds = network.contains(session.ip)
            case .age(let field, let older, let seconds): holds = Self.bound(field, older: older, seconds: seconds, now: now).matches(session)
            case .state(let state): holds = session.state(at: now) == state
            case .text(let text): holds = [SessionTextField.user, .ip, .client].contains { TextCondition($0, text).matches(session) }
            }
            return holds != negated
        }

        /// `created>2h` as an absolute bound: created before now − 2 h.
        static func bound(_ field: SessionTimeField, older: Bool, seconds: Double, now: Double) -> TimeBound {
            switch field {
            case .created, .seen: TimeBound(field, after: !older, now - seconds)
            case .expires: TimeBound(field, after: older, now + seconds)
            }
        }
    }

    /// Why a filter was refused, and where (1-based column of the offending term).
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public let column: Int
        public let message: String
        public var description: String { "\(message) (column \(column))" }

        public init(column: Int, message: String) {
            self.column = column
            self.message = message
        }
    }

    public var terms: [Term]

    public init(terms: [Term]) { self.terms = terms }

    public static let textFields = ["user": SessionTextField.user, "ip": .ip, "client": .client, "agent": .agent, "ua": .agent, "id": .id]
    public static let timeFields = ["created": SessionTimeField.created, "seen": .seen, "expires": .expires]

    /// Parses `text`; throws where it is wrong.
    public static func parse(_ text: String) throws(ParseError) -> SessionFilter {
        var terms: [Term] = []
        var column = 1
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            defer { column += word.count + 1 }
            if word.isEmpty { continue }
            terms.append(try term(word, column: column))
        }
        return SessionFilter(terms: terms)
    }

    private static func term(_ raw: Substring, column: Int) throws(ParseError) -> Term {
        var word = raw
        let negated = word.hasPrefix("-") && word.count > 1
        if negated { word = word.dropFirst() }
        func fail(_ message: String) -> ParseError { ParseError(column: column, message: message) }
        // Times: created>2h, seen<10m, expires<1d.
        if let op = word.firstIndex(where: { $0 == "<" || $0 == ">" }) {
            let name = word[..<op].lowercased()
            guard let field = timeFields[name] else {
                throw fail("\"\(name)\" cannot be compared with < or > (times: created, seen, expires)")
            }
            guard let seconds = duration(word[word.index(after: op)...]) else {
                throw fail("\"\(word[word.index(after: op)...])\" is not a duration (like 30s, 10m, 2h, 1d, 1w)")
            }
            return Term(.age(field, older: word[op] == ">", seconds: seconds), negated: negated)
        }
        guard let colon = word.firstIndex(of: ":"), colon != word.startIndex else { return Term(.text(String(word)), negated: negated) }
        let name = word[..<colon].lowercased()
        var value = word[word.index(after: colon)...]
        if name == "state" {
            guard let state = SessionState(rawValue: value.drop { $0 == "=" }.lowercased()) else { throw fail("state is active, revoked or expired") }
            return Term(.state(state), negated: negated)
        }
        guard let field = textFields[name] else {
            if timeFields[name] != nil { throw fail("\(name) takes < or >, like \(name)<2h") }
            throw fail("unknown field \"\(name)\" (user, ip, client, agent, id, state, created, seen, expires)")
        }
        var kind = "prefix"
        if value.hasPrefix("=") { kind = "exact"; value = value.dropFirst() } else if value.hasPrefix("~") { kind = "substring"; value = value.dropFirst() }
        guard !value.isEmpty else { throw fail("\(name): needs a value") }
        let text = String(value)
        if field == .ip, kind == "prefix", text.contains("/") {
            guard let network = IPNetwork(text) else { throw fail("\"\(text)\" is not a network (like 203.0.113.0/24 or 2001:db8::/32)") }
            return Term(.network(network), negated: negated)
        }
        switch kind {
        case "exact": return Term(.exact(field, text), negated: negated)
        case "substring": return Term(.substring(field, text), negated: negated)
        default: return Term(.prefix(field, text), negated: negated)
        }
    }

    /// "90s", "10m", "2h", "1d", "1w" in seconds; nil when malformed or absurd.
    static func duration(_ text: Substring) -> Double? {
        guard let unit = text.last, let number = Double(text.dropLast()), number >= 0, number.isFinite, text.dropLast().allSatisfy({ $0.isNumber || $0 == "." })
        else { return nil }
        let scale: Double
        switch unit {
        case "s": scale = 1
        case "m": scale = 60
        case "h": scale = 3_600
        case "d": scale = 86_400
        case "w": scale = 604_800
        default: return nil
        }
        let seconds = number * scale
        return seconds <= 100 * 365 * 86_400 ? seconds : nil
    }

    /// True when every term holds for `session` at `now`.
    public func matches(_ session: SessionRecord, now: Double) -> Bool { terms.allSatisfy { $0.matches(session, now: now) } }

    /// The store query for these terms at `now`: index-backed terms as conditions, the rest
    /// in `residual` (for `SessionSearch`); a contradiction (two states) matches nothing.
    public func query(limit: Int, now: Double, sort: SessionSort = .created) -> SessionQuery {
        var query = SessionQuery(limit: limit, sort: sort)
        for term in terms {
            switch (term.test, term.negated) {
            case (.prefix(let field, let value), false): query.conditions.append(TextCondition(field, value))
            case (.exact(let field, let value), false): query.conditions.append(TextCondition(field, value, exact: true))
            case (.network(let network), false):
                // Whole IPv4 octets are a text prefix exactly; otherwise the prefix narrows and
                // the network decides.
                if let prefix = network.textPrefix {
                    query.conditions.append(TextCondition(.ip, prefix, exact: network.prefixLength == 32))
                    if network.prefixLength % 8 != 0 { query.residual.append(term) }
                } else {
                    query.residual.append(term)
                }
            case (.age(let field, let older, let seconds), let negated):
                // A negated age is the opposite bound (the boundary instant aside).
                query.timeBounds.append(Term.bound(field, older: older != negated, seconds: seconds, now: now))
            case (.state(let state), false):
                query.require(state: state)
            case (.text(let text), false):
                if let existing = query.text { query.residual.append(Term(.text(existing))) }
                query.text = text
            default:
                query.residual.append(term)
            }
        }
        return query
    }

    /// What the status line says about terms no index answers ("~ and - terms scan…"), or nil.
    public var scanNote: String? {
        let probe = query(limit: 1, now: 0)
        guard !probe.residual.isEmpty else { return nil }
        return "substring, negated and network terms are checked on at most \(SessionSearch.scanBound) sessions per page"
    }
}
