public import SessionCore
public import JOSE

extension SQLiteSessionStore {
    static let keyColumns = "kid, alg, state, created_at, activated_at, retiring_at, retired_at, revoked_at, public_jwk, sealed_private"

    static func key(_ row: SQLiteStatement) throws -> SigningKeyRecord {
        SigningKeyRecord(kid: row.text(0), algorithm: row.text(1), state: KeyState(rawValue: row.text(2)) ?? .revoked,
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
        try db.run("INSERT INTO signing_keys (\(Self.keyColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   [.text(k.kid), .text(k.algorithm), .text(k.state.rawValue), .real(k.createdAt), k.activatedAt.map { .real($0) } ?? .null,
                    k.retiringAt.map { .real($0) } ?? .null, k.retiredAt.map { .real($0) } ?? .null, k.revokedAt.map { .real($0) } ?? .null,
                    .text(JSONWriter.string(k.publicJWK)), .blob(k.sealedPrivateKey)])
    }

    private func keyState(_ db: SQLiteConnection, _ kid: String) throws -> KeyState {
        let text = try db.scalarText("SELECT state FROM signing_keys WHERE kid = ?", [.text(kid)])
        guard let state = KeyState(rawValue: text) else { throw StoreError.notFound("no signing key \(kid)") }
        return state
    }

    public func addSigningKey(_ key: SigningKeyRecord, audit: AuditContext) throws(StoreError) {
        try write { db in
            var key = key
            let hasActive = try db.scalarInt("SELECT COUNT(*) FROM signing_keys WHERE state = 'active'") > 0
            key.state = hasActive ? .next : .active
            if key.state == .active { key.activatedAt = audit.at }
            try insertKey(db, key)
            try insertAudit(db, AuditEntry(at: audit.at, actor: audit.actor, action: "key.add", target: key.kid, reason: audit.reason,
                                           detail: "\(key.algorithm), \(key.state.rawValue)"))
        }
    }

    /// Activates the oldest `next` key, else inserts `fresh` as active; the current active
    /// key (if any) moves to `retiring`, or to `revoked` when `revokingOld` is set.
    private func activateSuccessor(_ db: SQLiteConnection, fresh: SigningKeyRecord, at now: Double, retiredState: KeyState) throws -> (String, String?) {
        let oldActive = try db.scalarText("SELECT kid FROM signing_keys WHERE state = 'active'")
        if !oldActive.isEmpty {
            let column = retiredState == .revoked ? "revoked_at" : "retiring_at"
            try db.run("UPDATE signing_keys SET state = ?, \(column) = ? WHERE kid = ?", [.text(retiredState.rawValue), .real(now), .text(oldActive)])
        }
        var newKid = try db.scalarText("SELECT kid FROM signing_keys WHERE state = 'next' ORDER BY created_at, kid LIMIT 1")
        if newKid.isEmpty {
            var key = fresh
            key.state = .active
            key.activatedAt = now
            try insertKey(db, key)
            newKid = key.kid
        } else {
            try db.run("UPDATE signing_keys SET state = 'active', activated_at = ? WHERE kid = ?", [.real(now), .text(newKid)])
        }
        return (newKid, oldActive.isEmpty ? nil : oldActive)
    }

    @discardableResult
    public func rotateSigningKeys(fresh: SigningKeyRecord, audit: AuditContext) throws(StoreError) -> String {
        try write { db in
            let (newKid, oldKid) = try activateSuccessor(db, fresh: fresh, at: audit.at, retiredState: .retiring)
            try insertAudit(db, AuditEntry(at: audit.at, actor: audit.actor, action: "key.rotate", target: newKid, reason: audit.reason,
                                           detail: oldKid.map { "\($0) now retiring" } ?? "first active key"))
            return newKid
        }
    }

    public func retireSigningKey(kid: String, audit: AuditContext) throws(StoreError) {
        try write { db in
            switch try keyState(db, kid) {
            case .active: throw StoreError.refused("key \(kid) is active: rotate to another key first")
            case .retired: throw StoreError.refused("key \(kid) is already retired")
            case .revoked: throw StoreError.refused("key \(kid) is revoked")
            case .next, .retiring:
                try db.run("UPDATE signing_keys SET state = 'retired', retired_at = ? WHERE kid = ?", [.real(audit.at), .text(kid)])
                try insertAudit(db, AuditEntry(at: audit.at, actor: audit.actor, action: "key.retire", target: kid, reason: audit.reason))
            }
        }
    }

    public func revokeSigningKey(kid: String, fresh: SigningKeyRecord, audit: AuditContext) throws(StoreError) {
        try write { db in
            let state = try keyState(db, kid)
            var detail = ""
            switch state {
            case .revoked: throw StoreError.refused("key \(kid) is already revoked")
            case .active:
                let (newKid, _) = try activateSuccessor(db, fresh: fresh, at: audit.at, retiredState: .revoked)
                detail = "was active; \(newKid) now signs"
            case .next, .retiring, .retired:
                try db.run("UPDATE signing_keys SET state = 'revoked', revoked_at = ? WHERE kid = ?", [.real(audit.at), .text(kid)])
                detail = "was \(state.rawValue)"
            }
            try insertRevocation(db, kind: .key, target: kid, at: audit.at, expiresAt: lifetimes.horizon(after: audit.at))
            try insertAudit(db, AuditEntry(at: audit.at, actor: audit.actor, action: "key.revoke", target: kid, reason: audit.reason, detail: detail))
        }
    }

    @discardableResult
    public func retireExpiredKeys(at now: Double) throws(StoreError) -> [String] {
        let horizon = lifetimes.maxAccessTokenLifetime + lifetimes.leeway
        return try write { db in
            let kids = try db.query("SELECT kid FROM signing_keys WHERE state = 'retiring' AND retiring_at + ? <= ?",
                                    [.real(horizon), .real(now)]) { $0.text(0) }
            for kid in kids {
                try db.run("UPDATE signing_keys SET state = 'retired', retired_at = ? WHERE kid = ?", [.real(now), .text(kid)])
                try insertAudit(db, AuditEntry(at: now, actor: "system", action: "key.retire", target: kid,
                                               reason: "no token it signed can still be alive"))
            }
            try db.run("DELETE FROM revocations WHERE expires_at <= ?", [.real(now)])
            return kids
        }
    }
}
