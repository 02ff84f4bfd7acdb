public import SessionCore
public import JOSE

extension SQLiteSessionStore {
    static let keyColumns = "kid, alg, state, created_at, activated_at, retiring_at, retired_at, revoked_at, public_jwk, sealed_private"

    static func key(_ row: SQLiteStatement) throws -> SigningKeyRecord {
        SigningKeyRecord(
            kid: row.text(0), algorithm: row.text(1), state: KeyState(rawValue: row.text(2)) ?? .revoked,
            createdAt: row.double(3), activatedAt: row.optionalDouble(4), retiringAt: row.optionalDouble(5),
            retiredAt: row.optionalDouble(6), revokedAt: row.optionalDouble(7),
            publicJWK: try JSONReader.parseObject(Array(row.text(8).utf8)), sealedPrivateKey: row.blob(9))
    }

    public func signingKeys() throws(StoreError) -> [SigningKeyRecord] {
        try withConnection { db in
            try db.query("SELECT \(Self.keyColumns) FROM signing_keys ORDER BY created_at DESC, kid", [], Self.key)
        }
    }

    public func signingKeyStates() throws(StoreError) -> [SigningKeyState] {
        try withConnection { db in
            try db.query("SELECT kid, state FROM signing_keys ORDER BY created_at DESC, kid", []) { row in
                SigningKeyState(kid: row.text(0), state: KeyState(rawValue: row.text(1)) ?? .revoked)
            }
        }
    }

    func insertKey(_ db: SQLiteConnection, _ k: SigningKeyRecord) throws {
        if try db.scalarInt("SELECT COUNT(*) FROM signing_keys WHERE kid = ?", [.text(k.kid)]) > 0 {
            throw StoreError.refused("a signing key with kid \(k.kid) already exists")
        }
        try db.run(
            "INSERT INTO signing_keys (\(Self.keyColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                .text(k.kid), .text(k.algorithm), .text(k.state.rawValue), .real(k.createdAt), k.activatedAt.map { .real($0) } ?? .null,
                k.retiringAt.map { .real($0) } ?? .null, k.retiredAt.map { .real($0) } ?? .null, k.revokedAt.map { .real($0) } ?? .null,
                .text(JSONWriter.string(k.publicJWK)), .blob(k.sealedPrivateKey),
            ])
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
            let keys = try db.query("SELECT kid, state, created_at, retiring_at FROM signing_keys", []) { row in
                KeyStatus(
                    kid: row.text(0), state: KeyState(rawValue: row.text(1)) ?? .revoked, createdAt: row.double(2),
                    retiringAt: row.optionalDouble(3))
            }
            let decision = try KeyLifecycle.decide(action, keys: keys, at: audit.at, lifetimes: lifetimes)
            if decision.needsFreshKey, fresh == nil { return .needsFreshKey }
            for transition in decision.transitions {
                switch transition.key {
                case .fresh:
                    try insertKey(db, fresh!.moved(to: transition.to, at: audit.at))
                case .existing(let kid):
                    let time = Self.timeColumn(transition.to).map { ", \($0) = ?" } ?? ""
                    let values: [SQLiteStatement.Value] =
                        Self.timeColumn(transition.to) == nil
                        ? [.text(transition.to.rawValue), .text(kid)] : [.text(transition.to.rawValue), .real(audit.at), .text(kid)]
                    try db.run("UPDATE signing_keys SET state = ?\(time) WHERE kid = ?", values)
                }
            }
            if let kid = decision.revokedKid {
                try insertRevocation(db, kind: .key, target: kid, at: audit.at, expiresAt: lifetimes.horizon(after: audit.at))
            }
            for entry in decision.auditEntries(audit, fresh: fresh) { try insertAudit(db, entry) }
            return .applied(decision, fresh: decision.needsFreshKey ? fresh?.kid : nil)
        }
    }

    public func pruneRevocations(at now: Double) throws(StoreError) -> Int {
        try write { db in
            try db.run("DELETE FROM revocations WHERE expires_at <= ?", [.real(RevocationRetention.dropHorizon(at: now))])
            return db.changes
        }
    }
}
