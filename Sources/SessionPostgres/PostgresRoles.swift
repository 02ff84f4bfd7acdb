import SessionCore

/// The three database roles of a deployment, as privileges on the store's tables:
///
/// - the owner (whoever ran the migrations) owns the tables and alone may change them;
/// - the service role (`sessiond`, `sessionctl` for administration) reads and writes rows,
///   with no DDL, and may only append to the audit log: `UPDATE`, `DELETE` and `TRUNCATE` of
///   `audit` are refused by the database itself;
/// - the read-only role (support staff, the console for looking) reads everything except
///   the sealed private keys, password hashes and client secret hashes (column privileges).
///
/// The roles themselves are created by the database administrator (`CREATE ROLE … LOGIN`);
/// this only grants.
public enum PostgresRoles {
    static let rowTables = ["users", "sessions", "refresh_tokens", "signing_keys", "revocations", "clients", "login_attempts", "verifiers"]

    /// The statements that give `service` and `readOnly` their privileges.
    public static func grants(service: String?, readOnly: String?) -> [String] {
        var statements: [String] = []
        if let service {
            let role = quote(service)
            statements += [
                "GRANT USAGE ON SCHEMA public TO \(role)",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON \(rowTables.joined(separator: ", ")) TO \(role)",
                "GRANT SELECT, INSERT ON audit TO \(role)",
                "GRANT SELECT ON schema_migrations TO \(role)",
                "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO \(role)",
            ]
        }
        if let readOnly {
            let role = quote(readOnly)
            statements += [
                "GRANT USAGE ON SCHEMA public TO \(role)",
                "GRANT SELECT ON sessions, refresh_tokens, revocations, login_attempts, audit, verifiers, schema_migrations TO \(role)",
                "GRANT SELECT (kid, alg, state, created_at, activated_at, retiring_at, retired_at, revoked_at, public_jwk) ON signing_keys TO \(role)",
                "GRANT SELECT (name, created_at, disabled, not_before) ON users TO \(role)",
                "GRANT SELECT (id, created_at) ON clients TO \(role)",
            ]
        }
        return statements
    }

    /// A role name as an SQL identifier.
    static func quote(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}

extension PostgresSessionStore {
    /// Grants the service and read-only roles their privileges, in one transaction; returns
    /// the statements run. `.unusable` (nothing granted) when a role does not exist or this
    /// connection may not grant.
    public func grantRoles(service: String?, readOnly: String?) throws(StoreError) -> [String] {
        let statements = PostgresRoles.grants(service: service, readOnly: readOnly)
        try write { db in for statement in statements { try db.execute(statement) } }
        return statements
    }
}
