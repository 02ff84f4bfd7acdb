import SessionCore

extension SQLiteSessionStore {
    public func addClient(_ client: ClientRecord, audit: AuditContext) throws(StoreError) {
        try write { db in
            if try db.scalarInt("SELECT COUNT(*) FROM clients WHERE id = ?", [.text(client.id)]) > 0 {
                throw StoreError.refused("client \(client.id) already exists")
            }
            try db.run(
                "INSERT INTO clients (id, secret_hash, created_at) VALUES (?, ?, ?)",
                [.text(client.id), .text(client.secretHash), .real(client.createdAt)])
            try insertAudit(db, AuditEntry(at: audit.at, actor: audit.actor, action: .clientAdd, target: client.id, reason: audit.reason))
        }
    }

    public func client(id: String) throws(StoreError) -> ClientRecord? {
        try withConnection { db in
            try db.query("SELECT id, secret_hash, created_at FROM clients WHERE id = ?", [.text(id)], Self.client).first
        }
    }

    public func clients() throws(StoreError) -> [ClientRecord] {
        try withConnection { db in try db.query("SELECT id, secret_hash, created_at FROM clients ORDER BY id", [], Self.client) }
    }

    private static func client(_ row: SQLiteStatement) -> ClientRecord {
        ClientRecord(id: row.text(0), secretHash: row.text(1), createdAt: row.double(2))
    }
}
