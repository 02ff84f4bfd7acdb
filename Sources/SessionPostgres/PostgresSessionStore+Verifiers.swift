import SessionCore

/// The verifier registry: one row per reporting instance, merged by `VerifierRegistry`
/// under the row's lock, so instances writing reports of one verifier at once agree.
extension PostgresSessionStore {
    static let verifierColumns = "service, instance, feed_seq, kids, version, client, address, first_seen, last_seen"

    public func recordVerifier(_ record: VerifierRecord) throws(StoreError) -> Bool {
        try write { db in
            let found = try db.query(
                "SELECT \(Self.verifierColumns) FROM verifiers WHERE service = $1 AND instance = $2 FOR UPDATE",
                [.text(record.service), .text(record.instance)])
            let existing = found.rowCount > 0 ? Self.verifier(found, 0) : nil
            guard let merged = VerifierRegistry.merge(existing: existing, incoming: record) else { return false }
            try db.query(
                """
                INSERT INTO verifiers (\(Self.verifierColumns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                ON CONFLICT (service, instance) DO UPDATE SET feed_seq = excluded.feed_seq, kids = excluded.kids, version = excluded.version,
                  client = excluded.client, address = excluded.address, last_seen = excluded.last_seen
                """,
                [
                    .text(merged.service), .text(merged.instance), merged.feedSequence.map { .int($0) } ?? .null, .text(merged.kids.joined(separator: "\n")),
                    .text(merged.version), merged.client.map { .text($0) } ?? .null, .text(merged.address), .double(merged.firstSeen),
                    .double(merged.lastSeen),
                ])
            if existing == nil {
                // A new instance: past the capacity, the longest-silent go first.
                try db.query(
                    """
                    DELETE FROM verifiers WHERE (service, instance) IN (
                      SELECT service, instance FROM verifiers ORDER BY last_seen DESC OFFSET $1)
                    """, [.int(Int64(VerifierRegistry.capacity))])
            }
            return true
        }
    }

    public func verifiers() throws(StoreError) -> [VerifierRecord] {
        try read { db in
            let result = try db.query("SELECT \(Self.verifierColumns) FROM verifiers ORDER BY last_seen DESC, service, instance")
            return result.map { row in Self.verifier(result, row) }
        }
    }

    public func forgetVerifiers(silentSince before: Double) throws(StoreError) -> Int {
        guard canWrite else { return 0 }
        return try write { db in try db.query("DELETE FROM verifiers WHERE last_seen < $1", [.double(before)]).changed }
    }

    static func verifier(_ result: PGResult, _ row: Int) -> VerifierRecord {
        VerifierRecord(
            service: result.text(row, 0), instance: result.text(row, 1), feedSequence: result.isNull(row, 2) ? nil : result.int64(row, 2),
            kids: result.text(row, 3).split(separator: "\n").map(String.init), version: result.text(row, 4), client: result.optionalText(row, 5),
            address: result.text(row, 6), firstSeen: result.double(row, 7), lastSeen: result.double(row, 8))
    }
}
