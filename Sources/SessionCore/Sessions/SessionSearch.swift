/// Listing sessions with filter terms no index answers (`SessionQuery.residual`): the store
/// returns rows in listing order for the index-backed part, and this checks the rest, the
/// same way for every store.
///
/// Guarantees: the rows returned match the whole query, in listing order, at most `limit`;
/// a bounded listing reads at most `scanBound` rows beyond those it returns (so a rare
/// substring cannot freeze the console), and says so in `Page.exhausted`; an unbounded one
/// (export, bulk revocation) reads on until the end.
public enum SessionSearch {
    /// Rows read per page of a bounded listing at most.
    public static let scanBound = 20_000

    /// A page of matches, and whether the scan stopped at its bound before the end.
    public struct Page: Sendable {
        public var sessions: [SessionRecord]
        /// False when the bound stopped the scan: more matches may lie further on.
        public var exhausted: Bool
    }

    /// The sessions `query` matches (residual terms included), read in chunks.
    public static func page(_ query: SessionQuery, in store: any SessionStore, now: Double, bounded: Bool = true) throws(StoreError) -> Page {
        guard !query.residual.isEmpty else { return Page(sessions: try store.sessions(query, now: now), exhausted: true) }
        // Rows before a cursor (scrolling up) and the last rows come in listing order from
        // the store but are scanned from the far end; read them the same way, in reverse.
        var chunkQuery = query
        chunkQuery.residual = []
        let backwards = query.before != nil || query.oldest
        var found: [SessionRecord] = []
        var read = 0
        while found.count < query.limit {
            chunkQuery.limit = max(query.limit, 500)
            let chunk = try store.sessions(chunkQuery, now: now)
            read += chunk.count
            let ordered = backwards ? chunk.reversed() : chunk
            for session in ordered where query.residual.allSatisfy({ $0.matches(session, now: now) }) {
                found.append(session)
                if found.count == query.limit { break }
            }
            guard chunk.count == chunkQuery.limit, let edge = ordered.last else {
                return Page(sessions: backwards ? found.reversed() : found, exhausted: true)
            }
            if bounded, read >= scanBound { return Page(sessions: backwards ? found.reversed() : found, exhausted: false) }
            let cursor = SessionCursor(edge, sort: query.sort, now: now)
            if backwards {
                chunkQuery.before = cursor
                chunkQuery.oldest = false
            } else {
                chunkQuery.after = cursor
                chunkQuery.from = nil
            }
        }
        return Page(sessions: backwards ? found.reversed() : found, exhausted: true)
    }

    /// The matches only.
    public static func sessions(_ query: SessionQuery, in store: any SessionStore, now: Double, bounded: Bool = true) throws(StoreError) -> [SessionRecord] {
        try page(query, in: store, now: now, bounded: bounded).sessions
    }
}
