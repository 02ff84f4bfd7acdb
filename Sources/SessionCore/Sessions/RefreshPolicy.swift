/// Lifetimes and the reuse grace window of refresh sessions.
public struct RefreshPolicy: Sendable, Equatable {
    /// Absolute session lifetime in seconds.
    public var sessionLifetime: Double
    /// Idle timeout in seconds: a session unused this long ends.
    public var idleTimeout: Double
    /// Seconds after a rotation during which presenting the spent token again returns the
    /// same successor instead of counting as theft; 0 (the default) disables it; at most 60.
    public var reuseGrace: Double

    public init(sessionLifetime: Double = 30 * 86_400, idleTimeout: Double = 7 * 86_400, reuseGrace: Double = 0) {
        self.sessionLifetime = sessionLifetime
        self.idleTimeout = idleTimeout
        self.reuseGrace = min(max(reuseGrace, 0), 60)
    }
}
