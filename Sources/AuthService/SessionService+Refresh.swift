import Foundation
import Logging
import SessionCore
import JOSE

/// Refresh-token rotation and the access tokens it issues.
extension SessionService {
    /// Rotates a refresh token: a new pair; the same successor inside the grace window; reuse
    /// after it revokes the session.
    public func refresh(token: String, ip: String) async throws(OAuthError) -> IssuedTokens {
        guard RefreshTokenMinter.isWellFormed(token) else {
            metrics.increment("sessiond_refreshes_total", [("result", "invalid")])
            throw .invalidGrant("refresh token is not valid")
        }
        let successor = minter.successor(of: token)
        let presentedHash = RefreshTokenMinter.hash(token)
        let successorHash = RefreshTokenMinter.hash(successor)
        let now = clock()
        let policy = configuration.refreshPolicy
        let outcome: RefreshOutcome
        switch await rotations.rotate(RefreshPresentation(presentedHash: presentedHash, successorHash: successorHash, ip: ip, at: now, policy: policy)) {
        case .success(let result): outcome = result
        case .failure(let error):
            logger.error("store failure", metadata: ["error": "\(error)"])
            throw .store(error)
        }
        let session: SessionRecord
        switch outcome {
        case .rotated(let rotated), .replayedWithinGrace(let rotated):
            session = rotated
        case .reuseDetected(let revoked):
            metrics.increment("sessiond_refreshes_total", [("result", "reuse")])
            logger.warning("refresh token reuse: session revoked", metadata: ["sid": "\(revoked.id)", "user": "\(revoked.user)", "ip": "\(ip)"])
            noteRevocation()
            throw .invalidGrant("refresh token was already used; the session is revoked")
        case .sessionEnded(_, let state):
            metrics.increment("sessiond_refreshes_total", [("result", state.rawValue)])
            throw .invalidGrant("the session is \(state.rawValue)")
        case .unknownToken:
            metrics.increment("sessiond_refreshes_total", [("result", "invalid")])
            throw .invalidGrant("refresh token is not valid")
        }
        var usable = userStates.usable(session.user, now: now)
        if usable == nil {
            let name = session.user
            let user = try await withStore { store throws(StoreError) in try store.user(named: name) }
            usable = user.map { !$0.disabled } ?? false
            userStates.remember(session.user, usable: usable ?? false, now: now)
        }
        guard usable == true else {
            metrics.increment("sessiond_refreshes_total", [("result", "disabled")])
            throw .invalidGrant("the user cannot log in")
        }
        metrics.increment("sessiond_refreshes_total", [("result", "ok")])
        return try issue(for: session, refreshToken: successor, now: now)
    }

    /// Signs an access token for `session` with the active key.
    func issue(for session: SessionRecord, refreshToken: String, now: Double) throws(OAuthError) -> IssuedTokens {
        let snapshot = keys.current
        guard let key = snapshot.active, let algorithm = snapshot.activeAlgorithm else {
            throw .unavailable("no active signing key")
        }
        let lifetime = Int(configuration.accessTokenLifetime)
        let token: String
        do {
            token = try AccessTokenClaims.sign(
                for: session, issuer: configuration.issuer, audience: configuration.audience,
                lifetime: lifetime, now: now, key: key, algorithm: algorithm)
        } catch {
            logger.error("signing failed", metadata: ["kid": "\(key.kid)", "error": "\(error)"])
            throw .serverError()
        }
        return IssuedTokens(
            accessToken: token, expiresIn: lifetime, refreshToken: refreshToken, sessionID: session.id,
            sessionExpiresAt: min(session.expiresAt, session.idleExpiresAt))
    }
}
