/// Copies everything one store holds into another, empty one: users, sessions with their
/// refresh-token hashes, clients, signing keys (still sealed), the revocation feed with its
/// sequence numbers, and the audit log.
///
/// Guarantees: a target that holds anything is refused before a row is written; rows move in
/// bounded batches, each one transaction; at the end every count is compared and a
/// difference is an error naming it.
public enum StoreCopy {
    /// The parts of a copy, in order, for progress reports.
    public enum Part: String, Sendable, CaseIterable {
        case users, clients, keys = "signing keys", sessions, feed = "revocation feed", audit = "audit log"
    }

    /// Copies `source` into `target`; `progress(part, done, total)` is called as rows move.
    /// Returns the counts both stores now hold.
    @discardableResult
    public static func copy(
        from source: any TransferableStore, to target: any TransferableStore, batch: Int = 2_000,
        progress: (Part, Int, Int) -> Void = { _, _, _ in }
    ) throws(StoreError) -> StoreCounts {
        let existing = try target.counts()
        guard existing.isEmpty else { throw .refused("the target store is not empty (\(existing)); copy only into an empty store") }
        let total = try source.counts()

        let users = try source.exportUsers()
        for chunk in users.chunked(batch) { try target.importUsers(Array(chunk)) }
        progress(.users, users.count, total.users)
        let clients = try source.clients()
        try target.importClients(clients)
        progress(.clients, clients.count, total.clients)
        let keys = try source.signingKeys()
        try target.importSigningKeys(keys)
        progress(.keys, keys.count, total.signingKeys)

        try target.prepareBulkImport()
        var copied = 0
        var after: String?
        while true {
            let page = try source.exportSessions(after: after, limit: batch)
            guard let last = page.last else { break }
            try target.importSessions(page)
            copied += page.count
            after = last.session.id
            progress(.sessions, copied, total.sessions)
        }
        try target.finishBulkImport()

        var events = 0
        var sequence: Int64 = 0
        while true {
            let page = try source.revocations(after: sequence, limit: batch)
            guard let last = page.last else { break }
            try target.importRevocations(page)
            events += page.count
            sequence = last.sequence
            progress(.feed, events, total.revocations)
        }

        var entries = 0
        var id: Int64 = 0
        while true {
            let page = try source.exportAudit(after: id, limit: batch)
            guard let last = page.last else { break }
            try target.importAudit(page)
            entries += page.count
            id = last.id
            progress(.audit, entries, total.auditEntries)
        }

        let copiedCounts = try target.counts()
        guard copiedCounts == total else {
            throw .unusable("the copy does not match: the source holds \(total), the target \(copiedCounts)")
        }
        return copiedCounts
    }
}

extension Array {
    /// The elements in runs of at most `size`.
    fileprivate func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: Swift.max(1, size)).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
