import JOSE

/// What revoking everything a filter matches would touch: the console's and
/// `sessions revoke --where --dry-run`'s "before" picture.
public struct BulkRadius: Sendable, Equatable {
    /// Active sessions that match.
    public var sessions: Int
    public var users: Int
    /// Matching sessions per client, most first.
    public var clients: [(String, Int)]
    /// The first few matches, in listing order.
    public var sample: [SessionRecord]

    public static func == (a: BulkRadius, b: BulkRadius) -> Bool {
        a.sessions == b.sessions && a.users == b.users && a.clients.map(\.0) == b.clients.map(\.0) && a.clients.map(\.1) == b.clients.map(\.1)
            && a.sample == b.sample
    }

    /// "1,234 active sessions of 87 users; clients web 1,000, ios 234".
    public var summary: String {
        let clientText = clients.prefix(4).map { "\($0.0) \($0.1)" }.joined(separator: ", ") + (clients.count > 4 ? ", …" : "")
        return "\(sessions) active session\(sessions == 1 ? "" : "s") of \(users) user\(users == 1 ? "" : "s")"
            + (clients.isEmpty ? "" : "; clients \(clientText)")
    }
}

/// How a bulk revocation ended.
public struct BulkOutcome: Sendable, Equatable {
    /// Sessions revoked (each chunk committed before the next began).
    public var revoked: Int
    /// True when `progress` asked to stop before the end.
    public var cancelled: Bool

    public init(revoked: Int, cancelled: Bool) {
        self.revoked = revoked
        self.cancelled = cancelled
    }
}

extension Administration {
    /// Sessions revoked per transaction: short enough that `sessiond`'s writes interleave.
    public static let bulkChunk = 200

    /// Every active session `query` matches (its residual terms too, unbounded), counted by
    /// user and client, with a sample; `progress` gets the count read so far.
    public func bulkRadius(_ query: SessionQuery, now: Double, progress: (Int) -> Void = { _ in }) throws(StoreError) -> BulkRadius {
        var users = Set<String>()
        var clients: [String: Int] = [:]
        var sample: [SessionRecord] = []
        var count = 0
        try Self.forEachChunk(of: query, in: store, now: now) { (chunk: [SessionRecord]) throws(StoreError) -> Bool in
            for session in chunk {
                users.insert(session.user.lowercased())
                clients[session.client, default: 0] += 1
                if sample.count < 5 { sample.append(session) }
            }
            count += chunk.count
            progress(count)
            return true
        }
        let byCount = clients.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { ($0.key, $0.value) }
        return BulkRadius(sessions: count, users: users.count, clients: byCount, sample: sample)
    }

    /// Revokes every active session `query` matches, `bulkChunk` per transaction (each
    /// committed, with its feed events, before the next is read); after each chunk
    /// `progress(revoked)` may return false to stop. Appends one `session.revoke_bulk`
    /// entry with `criteria`, the count and whether it was cancelled.
    public func revokeMatching(_ query: SessionQuery, criteria: String, audit: AuditContext, progress: (Int) -> Bool = { _ in true })
        throws(StoreError) -> BulkOutcome
    {
        var outcome = BulkOutcome(revoked: 0, cancelled: false)
        do {
            try Self.forEachChunk(of: query, in: store, now: audit.at) { (chunk: [SessionRecord]) throws(StoreError) -> Bool in
                outcome.revoked += try store.revokeSessions(ids: chunk.map(\.id), audit: audit, auditEach: false)
                if !progress(outcome.revoked) {
                    outcome.cancelled = true
                    return false
                }
                return true
            }
        } catch {
            // What was committed stays committed, and is audited.
            try? store.appendAudit(entry(criteria, outcome, audit, failed: error.description))
            throw error
        }
        try store.appendAudit(entry(criteria, outcome, audit, failed: nil))
        return outcome
    }

    private func entry(_ criteria: String, _ outcome: BulkOutcome, _ audit: AuditContext, failed: String?) -> AuditEntry {
        var detail = "\(outcome.revoked) session\(outcome.revoked == 1 ? "" : "s") revoked"
        if outcome.cancelled { detail += "; cancelled" }
        if let failed { detail += "; stopped by an error: \(failed)" }
        return AuditEntry(
            at: audit.at, actor: audit.actor, action: .sessionRevokeBulk, target: criteria.isEmpty ? "every session" : criteria, reason: audit.reason,
            detail: detail)
    }

    /// The active matches of `query`, `bulkChunk` at a time in listing order (keyset, so
    /// rows revoked along the way are never read again); `body` returns false to stop.
    static func forEachChunk(
        of query: SessionQuery, in store: any SessionStore, now: Double, _ body: ([SessionRecord]) throws(StoreError) -> Bool
    ) throws(StoreError) {
        var page = query
        page.require(state: .active)
        page.limit = bulkChunk
        page.after = nil
        page.before = nil
        page.from = nil
        page.oldest = false
        while true {
            let chunk = try SessionSearch.sessions(page, in: store, now: now, bounded: false)
            if chunk.isEmpty { return }
            guard try body(chunk) else { return }
            guard chunk.count == page.limit, let last = chunk.last else { return }
            page.after = SessionCursor(last, sort: page.sort, now: now)
        }
    }
}
