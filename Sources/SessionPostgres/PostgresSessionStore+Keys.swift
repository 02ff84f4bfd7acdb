import JOSE
public import SessionCore

extension PostgresSessionStore {
    static let keyColumns = "kid, alg, state, created_at, activated_at, retiring_at, retired_at, revoked_at, public_jwk, sealed_private"

    public func signingKeys() throws(StoreError) -> [SigningKeyRecord] {
        try read { db in
            let columns = readsSecrets ? Self.keyColumns : Self.keyColumns.replacingOccurrences(of: "sealed_private", with: "''::bytea")
            let result = try db.query("SELECT \(columns) FROM signing_keys ORDER BY created_at DESC, kid")
            return try result.map { row in
                SigningKeyRecord(
                    kid: result.text(row, 0), algorithm: result.text(row, 1), state: KeyState(rawValue: result.text(row, 2)) ?? .revoked,
                    createdAt: result.double(row, 3), activatedAt: result.optionalDouble(row, 4), retiringAt: result.optionalDouble(row, 5),
                    retiredAt: result.optionalDouble(row, 6), revokedAt: result.optionalDouble(row, 7),
                    publicJWK: try JSONReader.parseObject(Array(result.text(row, 8).utf8)), sealedPrivateKey: result.bytes(row, 9))
            }
        }
    }

    public func signingKeyStates() throws(StoreError) -> [SigningKeyState] {
        try read { db in
            let result = try db.query("SELECT kid, state FROM signing_keys ORDER BY created_at DESC, kid")
            return result.map { SigningKeyState(kid: result.text($0, 0), state: KeyState(rawValue: result.text($0, 1)) ?? .revoked) }
        }
    }

    /// The column holding the time a key entered `state`, if that state has one.
    private static func timeColumn(_ state: KeyState) -> String? {
        switch state {
        case .next: nil
        case .active: "activated_at"
        case .retiring: "retiring_at"
        case .retired: "retired_at"
        case .revoked: "revoked_at"
        }
    }

    public func changeSigningKeys(_ action: KeyAction, fresh: SigningKeyRecord?, audit: AuditContext) throws(StoreError) -> KeyChangeOutcome {
        try write { db in
            // One key decision at a time across every instance: housekeeping on two
            // instances retires each key once, and exactly one key stays active.
            try db.query("SELECT pg_advisory_xact_lock($1)", [.int(PostgresSchema.keysLock)])
            let rows = try db.query("SELECT kid, state, created_at, retiring_at FROM signing_keys")
            let keys = rows.map { row in
                KeyStatus(
                    kid: rows.text(row, 0), state: KeyState(rawValue: rows.text(row, 1)) ?? .revoked, createdAt: rows.double(row, 2),
                    retiringAt: rows.optionalDouble(row, 3))
            }
            let decision = try KeyLifecycle.decide(action, keys: keys, at: audit.at, lifetimes: lifetimes)
            if decision.needsFreshKey, fresh == nil { return .needsFreshKey }
            for transition in decision.transitions {
                switch transition.key {
                case .fresh:
                    let key = fresh!.moved(to: transition.to, at: audit.at)
                    if try db.query("SELECT 1 FROM signing_keys WHERE kid = $1", [.text(key.kid)]).rowCount > 0 {
                        throw StoreError.refused("a signing key with kid \(key.kid) already exists")
                    }
                    try db.query(
                        "INSERT INTO signing_keys (\(Self.keyColumns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                        [
                            .text(key.kid), .text(key.algorithm), .text(key.state.rawValue), .double(key.createdAt),
                            key.activatedAt.map { .double($0) } ?? .null, key.retiringAt.map { .double($0) } ?? .null,
                            key.retiredAt.map { .double($0) } ?? .null, key.revokedAt.map { .double($0) } ?? .null,
                            .text(JSONWriter.string(key.publicJWK)), .bytes(key.sealedPrivateKey),
                        ])
                case .existing(let kid):
                    if let column = Self.timeColumn(transition.to) {
                        try db.query(
                            "UPDATE signing_keys SET state = $1, \(column) = $2 WHERE kid = $3", [.text(transition.to.rawValue), .double(audit.at), .text(kid)])
                    } else {
                        try db.query("UPDATE signing_keys SET state = $1 WHERE kid = $2", [.text(transition.to.rawValue), .text(kid)])
                    }
                }
            }
            if let kid = decision.revokedKid {
                try insertRevocation(db, kind: .key, target: kid, at: audit.at, expiresAt: lifetimes.horizon(after: audit.at))
            }
            for entry in decision.auditEntries(audit, fresh: fresh) { try insertAudit(db, entry) }
            return .applied(decision, fresh: decision.needsFreshKey ? fresh?.kid : nil)
        }
    }
}
