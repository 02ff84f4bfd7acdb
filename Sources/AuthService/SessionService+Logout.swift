import Foundation
import Logging
import SessionCore
import JOSE

/// Logout: the session of a Bearer access token or of a live refresh token is revoked.
extension SessionService {
    /// Revokes the session of a Bearer access token or of a live refresh token.
    public func logout(accessToken: String?, refreshToken: String?) async throws(OAuthError) {
        let now = clock()
        var sessionID: String?
        var user = ""
        if let accessToken, let claims = try await verifyOwnAccessToken(accessToken, now: now),
            let sid = claims["sid"]?.stringValue
        {
            sessionID = sid
            user = claims["sub"]?.stringValue ?? ""
        } else if let refreshToken, let owner = try await liveRefreshSession(refreshToken, now: now) {
            sessionID = owner.session.id
            user = owner.session.user
        }
        guard let sessionID else { throw .invalidToken("no valid access or refresh token") }
        let audit = AuditContext(actor: "user:\(user)", reason: "logout", at: now)
        try await withStore { store throws(StoreError) in _ = try store.revokeSessions(ids: [sessionID], audit: audit) }
        metrics.increment("sessiond_logouts_total")
        logger.info("logout", metadata: ["sid": "\(sessionID)"])
        noteRevocation()
    }
}
