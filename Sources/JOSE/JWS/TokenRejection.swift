/// Why a token was refused, with a stable machine-readable reason code.
///
/// The codes are a contract (DESIGN.md, "Token verification rules"): scripts and the
/// console match on them, so they never change spelling.
public struct TokenRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stable reason codes.
    public enum Reason: String, Sendable, CaseIterable {
        case malformed
        case unsupportedAlg = "unsupported_alg"
        case algNotAllowed = "alg_not_allowed"
        case unknownKid = "unknown_kid"
        case badSignature = "bad_signature"
        case expired
        case notYetValid = "not_yet_valid"
        case badIssuer = "bad_issuer"
        case badAudience = "bad_audience"
        case badType = "bad_type"
        case missingClaim = "missing_claim"
        case critUnsupported = "crit_unsupported"
        case tokenTooLarge = "token_too_large"
        case weakKey = "weak_key"
        case revoked
    }

    /// The reason code.
    public let reason: Reason
    /// A short human explanation; attacker-controlled text in it is escaped.
    public let detail: String

    public init(_ reason: Reason, _ detail: String) {
        self.reason = reason
        self.detail = detail
    }

    /// `<code>: <detail>`, as printed after `rejected: `.
    public var description: String { "\(reason.rawValue): \(detail)" }
}
