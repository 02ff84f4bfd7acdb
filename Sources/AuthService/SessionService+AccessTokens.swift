import Foundation
import Logging
import SessionCore
import JOSE

/// Checking access and refresh tokens this service issued (logout, introspection, revocation).
extension SessionService {
    /// Verifies an access token of ours (signature, `typ`, `iss`, `aud`, times) and asks the
    /// store whether it is revoked: its claims, or nil when it is not valid now.
    func verifyOwnAccessToken(_ token: String, now: Double) async throws(OAuthError) -> JSONObject? {
        let options = VerificationOptions(issuer: configuration.issuer, audience: configuration.audience, type: "at+jwt")
        guard let verified = try? JWSVerifier.verify(token, keys: keys.current.verification, options: options, now: now) else { return nil }
        let claims = verified.claims
        let kid = verified.key.kid
        let verdict = try await withStore { store throws(StoreError) in
            try store.revocationVerdict(
                sessionID: claims["sid"]?.stringValue, tokenID: claims["jti"]?.stringValue,
                user: claims["sub"]?.stringValue, issuedAt: claims["iat"]?.doubleValue, kid: kid)
        }
        return verdict == nil ? claims : nil
    }

    /// The live (unspent, session active) refresh token's session, or nil.
    func liveRefreshSession(_ token: String, now: Double) async throws(OAuthError) -> RefreshTokenOwner? {
        guard RefreshTokenMinter.isWellFormed(token) else { return nil }
        let hash = RefreshTokenMinter.hash(token)
        let owner = try await withStore { store throws(StoreError) in try store.refreshTokenOwner(hash: hash) }
        guard let owner, owner.token.spentAt == nil, owner.session.state(at: now) == .active else { return nil }
        return owner
    }
}
