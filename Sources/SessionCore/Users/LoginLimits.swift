/// How many login attempts may be in flight or have failed, per user and per address,
/// within a sliding window; and the pure decision every store applies.
///
/// Checking and counting are one step: a store reserves an attempt's slot, in the same
/// transaction as the count, before the password is checked, so a burst of concurrent
/// attempts cannot outrun the limit. A reservation counts as a failure until it is settled:
/// a success gives the slot back (and clears the user's earlier failures, but not the
/// address's: one address may spray many users); a failure keeps it.
public struct LoginLimits: Sendable, Equatable {
    /// Attempts per user (pending or failed) within `window`.
    public var perUser: Int
    /// Attempts per address (pending or failed) within `window`.
    public var perAddress: Int
    /// The sliding window, in seconds.
    public var window: Double
    /// How long a reservation still being checked holds its slot: a password check takes
    /// well under a second, so one older than this was left unsettled (its process died,
    /// or the store went away before the outcome was written) and no longer counts.
    public var pendingLifetime: Double = 30

    public init(perUser: Int = 5, perAddress: Int = 20, window: Double = 300) {
        self.perUser = perUser
        self.perAddress = perAddress
        self.window = window
    }

    /// The attempts a store counted for one user or one address: how many are inside the
    /// window, and when the oldest of them was made.
    public struct Count: Sendable, Equatable {
        public var attempts: Int
        public var oldest: Double?

        public init(attempts: Int, oldest: Double?) {
            self.attempts = attempts
            self.oldest = oldest
        }
    }

    /// The earliest time whose failed attempts still count at `now`.
    public func windowStart(now: Double) -> Double { now - window }

    /// The earliest time whose unsettled (pending) reservations still count at `now`.
    public func pendingStart(now: Double) -> Double { now - min(pendingLifetime, window) }

    /// Seconds until another attempt may be made, or nil when one may be made now: refused
    /// when the user or the address has used its slots. The wait is until the oldest
    /// counted attempt leaves the window, at least one second.
    public func retryAfter(user: Count, address: Count, now: Double) -> Double? {
        var waits: [Double] = []
        if user.attempts >= perUser { waits.append(wait(user, now: now)) }
        if address.attempts >= perAddress { waits.append(wait(address, now: now)) }
        return waits.max()
    }

    private func wait(_ count: Count, now: Double) -> Double {
        max(1, (count.oldest ?? now) + window - now)
    }
}

/// The answer to a login-attempt reservation.
public enum LoginReservation: Sendable, Equatable {
    /// The attempt holds a slot; settle it with this id once the password is checked.
    case reserved(id: Int64)
    /// No slot: retry after this many seconds; nothing was recorded.
    case refused(retryAfter: Double)
}

/// How a reserved login attempt ended.
public enum LoginAttemptOutcome: String, Sendable, Equatable {
    /// The password matched: the slot is given back and the user's earlier failures clear.
    case succeeded
    /// The password did not match (or the user is unknown or disabled): the slot stays
    /// taken until it leaves the window.
    case failed
    /// The check could not be made (the store failed): the slot is given back, nothing
    /// else changes.
    case abandoned
}
