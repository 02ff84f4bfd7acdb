import SessionCore
import JOSE

/// A verified access token: the claims a service acts on, and all the others. A class, so a
/// cache hit hands out one reference instead of copying every claim.
public final class AccessToken: Sendable {
    /// `sub`: the user.
    public let subject: String
    /// `sid`: the refresh session the token belongs to, when it has one.
    public let sessionID: String?
    /// `jti`.
    public let tokenID: String?
    /// `client_id`.
    public let clientID: String?
    /// `iat`, `exp` (seconds since the epoch).
    public let issuedAt: Double?
    public let expiresAt: Double
    /// The `kid` of the key that verified it (the header's `kid`, when it names one).
    public let keyID: String
    /// Every claim.
    public let claims: JSONObject

    /// Reads the claims of a token the JOSE core verified; `missing_claim` without `sub`.
    init(verified: VerifiedToken) throws(TokenRejection) {
        let claims = verified.claims
        guard case .string(let subject)? = claims["sub"], !subject.isEmpty else {
            throw TokenRejection(.missingClaim, "claim \"sub\" is required in an access token")
        }
        guard let exp = claims["exp"]?.doubleValue else {
            throw TokenRejection(.missingClaim, "claim \"exp\" is required")
        }
        self.subject = subject
        sessionID = claims["sid"]?.stringValue
        tokenID = claims["jti"]?.stringValue
        clientID = claims["client_id"]?.stringValue
        issuedAt = claims["iat"]?.doubleValue
        expiresAt = exp
        keyID = verified.key.kid
        self.claims = claims
    }

    /// Why this token is revoked under `denylist`, or nil.
    func verdict(_ denylist: RevocationDenylist) -> RevocationVerdict? {
        denylist.verdict(sessionID: sessionID, tokenID: tokenID, user: subject, issuedAt: issuedAt, kid: keyID)
    }
}
