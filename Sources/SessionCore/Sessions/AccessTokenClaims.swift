import JOSE

/// The access tokens of a session (RFC 9068, `typ: at+jwt`), built one way for `sessiond`,
/// the console's sample tokens and the tests.
public enum AccessTokenClaims {
    /// `iss sub aud exp iat nbf jti sid client_id` for `session`: `iat` and `nbf` are the
    /// issuing whole second, `exp` that plus `lifetime` seconds, `jti` a fresh random id.
    public static func make(for session: SessionRecord, issuer: String, audience: String, lifetime: Int, now: Double) -> JSONObject {
        let issuedAt = now.rounded(.down)
        var claims = JSONObject()
        claims["iss"] = .string(issuer)
        claims["sub"] = .string(session.user)
        claims["aud"] = .string(audience)
        claims["exp"] = .number(JSONNumber(issuedAt + Double(lifetime)))
        claims["iat"] = .number(JSONNumber(issuedAt))
        claims["nbf"] = .number(JSONNumber(issuedAt))
        claims["jti"] = .string(SecureRandom.identifier())
        claims["sid"] = .string(session.id)
        claims["client_id"] = .string(session.client)
        return claims
    }

    /// An access token for `session` signed by `key` (its own algorithm unless `algorithm`
    /// is given), with the key's kid in the header.
    public static func sign(
        for session: SessionRecord, issuer: String, audience: String, lifetime: Int, now: Double,
        key: JWSKey, algorithm: JWSAlgorithm? = nil
    ) throws(SigningRefusal) -> String {
        let claims = make(for: session, issuer: issuer, audience: audience, lifetime: lifetime, now: now)
        return try JWSSigner.sign(claims, key: key, algorithm: algorithm, type: "at+jwt", kid: key.kid)
    }
}
