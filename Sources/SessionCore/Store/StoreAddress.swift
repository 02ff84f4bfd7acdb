/// What `--db` (or `SESSIONCTL_DB` / `SESSIOND_DB`) names: a SQLite file, or a PostgreSQL
/// database several processes on several machines share.
public enum StoreAddress {
    /// True for a libpq URI (`postgres://…`, `postgresql://…`) or `postgres:` followed by
    /// `key=value` connection parameters.
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") || text.hasPrefix("postgres:")
    }
}
