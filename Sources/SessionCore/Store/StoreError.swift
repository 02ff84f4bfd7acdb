/// Why a store operation failed. The command line maps `notFound` and `refused` to exit 1
/// and `unusable` and `busy` to exit 64; the service answers `busy` with 503.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The named object does not exist.
    case notFound(String)
    /// The request conflicts with the current state (revoking a revoked session, a user
    /// that already exists, rotating without a key-encryption key).
    case refused(String)
    /// The database cannot be used: missing folder, not SQLite, corrupt, read-only,
    /// a schema newer than this program, an unreadable key-encryption key.
    case unusable(String)
    /// Another writer held the lock past the busy timeout: the same request may succeed later.
    case busy(String)

    public var description: String {
        switch self {
        case .notFound(let message), .refused(let message), .unusable(let message), .busy(let message): message
        }
    }
}
