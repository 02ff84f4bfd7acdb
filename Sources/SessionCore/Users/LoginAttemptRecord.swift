/// One recorded login attempt, as a store keeps it: reserved before the password was
/// checked, then failed (a success gives its slot back and is not kept).
public struct LoginAttemptRecord: Sendable, Equatable {
    public var at: Double
    public var address: String
    /// False while the password is being checked (or its process died before it said).
    public var failed: Bool
    /// False once a later success of the same user cleared it (it still counts for its address).
    public var countsForUser: Bool

    public init(at: Double, address: String, failed: Bool, countsForUser: Bool = true) {
        self.at = at
        self.address = address
        self.failed = failed
        self.countsForUser = countsForUser
    }
}

extension LoginLimits {
    /// True when `attempt` holds one of its user's slots at `now`: inside the window, not
    /// cleared by a success, and failed or still being checked. The rule every store's
    /// reservation counts by.
    public func holdsUserSlot(_ attempt: LoginAttemptRecord, now: Double) -> Bool {
        attempt.countsForUser && holdsSlot(attempt, now: now)
    }

    /// True when `attempt` holds one of its address's slots at `now`.
    public func holdsSlot(_ attempt: LoginAttemptRecord, now: Double) -> Bool {
        attempt.at > windowStart(now: now) && (attempt.failed || attempt.at > pendingStart(now: now))
    }

    /// Where a user stands at `now` given their recorded attempts: how many slots they hold
    /// and, when all are used, how long until the next login may be tried.
    public func standing(_ attempts: [LoginAttemptRecord], now: Double) -> LoginStanding {
        let holding = attempts.filter { holdsUserSlot($0, now: now) }
        let count = Count(attempts: holding.count, oldest: holding.map(\.at).min())
        return LoginStanding(
            held: holding.count, limit: perUser, window: window,
            retryAfter: retryAfter(user: count, address: Count(attempts: 0, oldest: nil), now: now),
            lastFailure: attempts.filter(\.failed).max { $0.at < $1.at })
    }
}

/// A user's login throttle at one moment.
public struct LoginStanding: Sendable, Equatable {
    /// Slots the user holds (failed or pending attempts inside the window).
    public var held: Int
    /// Slots per user.
    public var limit: Int
    /// The window, in seconds.
    public var window: Double
    /// Seconds until another login may be tried; nil when one may be tried now.
    public var retryAfter: Double?
    /// The most recent failed attempt, if any is recorded.
    public var lastFailure: LoginAttemptRecord?
}
