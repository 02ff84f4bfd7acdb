/// What an audit entry records: one name per administrative act or security event, so
/// every store, the console and the command line write and match the same spelling.
///
/// A struct over the stored text rather than a closed enum: an entry written by a newer
/// version still reads back (with its own name) instead of failing.
public struct AuditAction: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let userAdd = AuditAction(rawValue: "user.add")
    public static let userDisable = AuditAction(rawValue: "user.disable")
    public static let userEnable = AuditAction(rawValue: "user.enable")
    /// A user cutoff, with every active session of the user revoked.
    public static let userRevoke = AuditAction(rawValue: "user.revoke")
    public static let sessionRevoke = AuditAction(rawValue: "session.revoke")
    /// Every session a filter matched, revoked in chunks: one entry with the criteria and count.
    public static let sessionRevokeBulk = AuditAction(rawValue: "session.revoke_bulk")
    /// One access token revoked by `jti`.
    public static let tokenRevoke = AuditAction(rawValue: "token.revoke")
    public static let clientAdd = AuditAction(rawValue: "client.add")
    public static let keyAdd = AuditAction(rawValue: "key.add")
    public static let keyRotate = AuditAction(rawValue: "key.rotate")
    public static let keyRetire = AuditAction(rawValue: "key.retire")
    public static let keyRevoke = AuditAction(rawValue: "key.revoke")
    /// A spent refresh token came back after the grace window: its family was revoked.
    public static let refreshReuse = AuditAction(rawValue: "refresh_reuse")
    /// A token signed by a revoked key was presented to a verifier.
    public static let verifyRevokedKey = AuditAction(rawValue: "verify.revoked_key")

    /// An incident was contained: its target, reason and blast radius.
    public static let incident = AuditAction(rawValue: "incident")
    /// How an incident's containment ended: which verifiers applied it, and how fast.
    public static let incidentOutcome = AuditAction(rawValue: "incident.outcome")

    /// `user.disable` or `user.enable`.
    public static func userDisabled(_ disabled: Bool) -> AuditAction { disabled ? .userDisable : .userEnable }
}
