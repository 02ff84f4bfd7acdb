import SessionCore
import JOSE

/// What a login or a refresh hands the client.
public struct IssuedTokens: Sendable {
    public var accessToken: String
    /// Seconds until the access token expires.
    public var expiresIn: Int
    /// The refresh token: never logged, never stored (only its hash).
    public var refreshToken: String
    public var sessionID: String
    /// When the refresh session ends at the latest (the cookie's lifetime).
    public var sessionExpiresAt: Double

    /// The JSON body; without `refresh_token` in cookie mode.
    func json(includeRefreshToken: Bool) -> JSONObject {
        var object = JSONObject()
        object["access_token"] = .string(accessToken)
        object["token_type"] = .string("Bearer")
        object["expires_in"] = .number(JSONNumber(expiresIn))
        if includeRefreshToken { object["refresh_token"] = .string(refreshToken) }
        object["session_id"] = .string(sessionID)
        return object
    }
}
