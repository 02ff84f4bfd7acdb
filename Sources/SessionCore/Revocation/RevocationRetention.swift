/// The pure rule for what housekeeping may drop from the revocation feed, shared by every
/// store: an event is kept until no token it could affect can still be alive. Its
/// `expiresAt` is set when it is written (the revoked token's `exp`, or the horizon of the
/// longest access-token lifetime plus leeway for session, user and key events).
public enum RevocationRetention {
    /// True when housekeeping at `now` may drop `event`.
    public static func mayDrop(_ event: RevocationEvent, at now: Double) -> Bool {
        event.expiresAt <= dropHorizon(at: now)
    }

    /// Events whose `expiresAt` is at or before this may be dropped: the bound a store's
    /// `DELETE … WHERE expires_at <= ?` uses.
    public static func dropHorizon(at now: Double) -> Double { now }
}
