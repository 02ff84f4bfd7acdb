/// The one rule for a user's not-before cutoff, applied by every store, by the verifier's
/// denylist and by the token inspector, so that all of them give the same answer.
///
/// Access tokens carry `iat` in whole seconds, so a token issued in the cutoff's own second
/// cannot be told from one issued just before it. Both are refused: a token is cut off when
/// ⌊iat⌋ ≤ ⌊cutoff⌋. The revocation feed carries the cutoff in whole seconds (RFC 3339,
/// truncated), which this rule reads the same way as the store's exact time. A token issued
/// from the next whole second on is unaffected, which is why `sessiond` holds back a login
/// made in the same second as its user's cutoff until that second has passed.
public enum UserCutoff {
    /// True when a token issued at `issuedAt` (its `iat`; a token without one counts as
    /// issued at 0) is revoked by a cutoff at `cutoff`.
    @inline(__always)
    public static func revokes(issuedAt: Double?, cutoff: Double) -> Bool {
        (issuedAt ?? 0).rounded(.down) <= cutoff.rounded(.down)
    }

    /// The first time at which a newly issued token is no longer revoked by `cutoff`.
    public static func firstUnaffectedTime(after cutoff: Double) -> Double {
        cutoff.rounded(.down) + 1
    }
}
