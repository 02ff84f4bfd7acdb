import SessionCore

/// The verifier registry: one row per reporting instance, merged by `VerifierRegistry`.
extension SQLiteSessionStore {
    static let verifierColumns = "service, instance, feed_seq, kids, version, client, address, first_seen, last_seen"

    public func recordVerifier(_ record: VerifierRecord) throws(StoreError) -> Bool {
        try write { db in
            let existing = try db.query(
                "SELECT \(Self.verifierColumns) FROM verifiers WHERE service = ? AND instance = ?", [.text(record.service), .text(record.instance)],
                Self.verifier
            ).first
            guard let merged = VerifierRegistry.merge(existing: existing, incoming: record) else { return false }
            try db.run(
                """
                INSERT INTO verifiers (\(Self.verifierColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (service, instance) DO UPDATE SET feed_seq = excluded.feed_seq, kids = excluded.kids, version = excluded.version,
                  client = excluded.client, address = excluded.address, last_seen = excluded.last_seen
                """,
                [
                    .text(merged.service), .text(merged.instance), merged.feedSequence.map { .integer($0) } ?? .null,
                    .text(merged.kids.joined(separator: "\n")),
                    .text(merged.version), merged.client.map { .text($0) } ?? .null, .text(merged.address), .real(merged.firstSeen), .real(merged.lastSeen),
                ])
            if existing == nil {
                // A new instance: past the capacity, the longest-silent go first.
                try db.run(
                    """
                    DELETE FROM verifiers WHERE rowid IN (
                      SELECT rowid FROM verifiers ORDER BY last_seen DESC LIMIT -1 OFFSET ?)
                    """, [.integer(Int64(VerifierRegistry.capacity))])
            }
            return true
        }
    }

    public func verifiers() throws(StoreError) -> [VerifierRecord] {
        try withConnection { db in
            try db.query("SELECT \(Self.verifierColumns) FROM verifiers ORDER BY last_seen DESC, service, instance", [], Self.verifier)
        }
    }

    public func forgetVerifiers(silentSince before: Double) throws(StoreError) -> Int {
        guard canWrite else { return 0 }
        return try write { db in
            try db.run("DELETE FROM verifiers WHERE last_seen < ?", [.real(before)])
            return db.changes
        }
    }

    static func verifier(_ row: SQLiteStatement) -> VerifierRecord {
        VerifierRecord(
            service: row.text(0), instance: row.text(1), feedSequence: row.isNull(2) ? nil : row.int64(2),
            kids: row.text(3).split(separator: "\n").map(String.init), version: row.text(4), client: row.optionalText(5), address: row.text(6),
            firstSeen: row.double(7), lastSeen: row.double(8))
    }
}
