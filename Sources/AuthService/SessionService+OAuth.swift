import Foundation
import Logging
import SessionCore
import JOSE

/// RFC 7009 revocation and RFC 7662 introspection for authenticated clients.
extension SessionService {
    /// The client id when `id` and `secret` are a client's credentials; `invalid_client` otherwise.
    /// Credentials found correct in the last five minutes pass at once; others reserve a
    /// login-attempt slot (per client and address) before scrypt runs.
    func authenticateClient(id: String, secret: String, ip: String) async throws(OAuthError) -> String {
        let now = clock()
        if clients.remembers(id: id, secret: secret, now: now) { return id }
        let attempt = try await reserveAttempt(user: "client:" + id, address: ip, now: now)
        let store = self.store
        let clients = self.clients
        let result: Result<Bool, StoreError> = await passwordPool.run {
            Result { () throws(StoreError) -> Bool in
                try clients.verify(id: id, secret: secret, now: now) { () throws(StoreError) in try store.client(id: id) }
            }
        }
        guard case .success(let ok) = result else {
            await settle(attempt, .abandoned)
            throw .serverError()
        }
        await settle(attempt, ok ? .succeeded : .failed)
        guard ok else {
            metrics.increment("sessiond_oauth_requests_total", [("endpoint", "auth"), ("result", "invalid_client")])
            throw .invalidClient("client authentication failed")
        }
        return id
    }

    /// RFC 7662: the token's state for an authenticated client. The token's shape tells a
    /// refresh token (43 base64url characters) from a JWT, so `token_type_hint` is not needed
    /// and a wrong hint cannot hide a live token.
    public func introspect(token: String) async throws(OAuthError) -> JSONObject {
        let now = clock()
        var response = JSONObject(["active": .bool(true)])
        if let owner = try await liveRefreshSession(token, now: now) {
            response["token_type"] = .string("refresh_token")
            response["client_id"] = .string(owner.session.client)
            response["username"] = .string(owner.session.user)
            response["sub"] = .string(owner.session.user)
            response["sid"] = .string(owner.session.id)
            response["iat"] = .number(JSONNumber(owner.token.issuedAt.rounded(.down)))
            response["exp"] = .number(JSONNumber(min(owner.session.expiresAt, owner.session.idleExpiresAt).rounded(.down)))
        } else if let claims = try await verifyOwnAccessToken(token, now: now) {
            for name in ["scope", "client_id", "sub", "aud", "iss", "exp", "iat", "nbf", "jti", "sid"] {
                if let value = claims[name] { response[name] = value }
            }
            response["username"] = claims["sub"]
            response["token_type"] = .string("Bearer")
        } else {
            response = JSONObject(["active": .bool(false)])
        }
        let active = response["active"] == .bool(true)
        metrics.increment("sessiond_oauth_requests_total", [("endpoint", "introspect"), ("result", active ? "active" : "inactive")])
        return response
    }

    /// RFC 7009: revokes a refresh token's session or an access token's `jti`, whatever the
    /// hint said (§2.1: the search extends to every token type). Unknown or invalid tokens
    /// are not an error (the answer is 200 either way).
    public func revoke(token: String, client: String) async throws(OAuthError) {
        let now = clock()
        let audit = AuditContext(actor: "client:\(client)", reason: "oauth revocation (RFC 7009)", at: now)
        if let owner = try await liveRefreshSession(token, now: now) {
            let sid = owner.session.id
            try await withStore { store throws(StoreError) in _ = try store.revokeSessions(ids: [sid], audit: audit) }
            metrics.increment("sessiond_oauth_requests_total", [("endpoint", "revoke"), ("result", "refresh_token")])
            noteRevocation()
            return
        }
        if let claims = try await verifyOwnAccessToken(token, now: now), let jti = claims["jti"]?.stringValue,
            let exp = claims["exp"]?.doubleValue
        {
            try await withStore { store throws(StoreError) in try store.revokeTokenID(jti, expiresAt: exp, audit: audit) }
            metrics.increment("sessiond_oauth_requests_total", [("endpoint", "revoke"), ("result", "access_token")])
            noteRevocation()
            return
        }
        metrics.increment("sessiond_oauth_requests_total", [("endpoint", "revoke"), ("result", "unknown")])
    }
}
