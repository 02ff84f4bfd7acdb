/// A store that announces new revocation events as other processes commit them (PostgreSQL's
/// `LISTEN`/`NOTIFY`), so a long poll wakes at once instead of at the next poll of the store.
///
/// An announcement only says "look now": a lost one delays a follower, never loses an
/// event, because the reader catches up by sequence number.
public protocol RevocationAnnouncing: Sendable {
    /// Calls `wake` soon after any process commits a revocation event, and after every
    /// (re)connection, until the returned listener is stopped.
    func announceRevocations(_ wake: @escaping @Sendable () -> Void) -> any RevocationListening
}

/// A running announcement listener.
public protocol RevocationListening: Sendable {
    /// Stops listening; `wake` is not called afterwards.
    func stop()
}
