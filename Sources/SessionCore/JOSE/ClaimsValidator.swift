/// Registered-claim checks (RFC 7519 §4.1) with the current time passed in, never read.
public enum ClaimsValidator {
    /// The latest NumericDate accepted: 9999-12-31T23:59:59Z.
    public static let maxNumericDate: Double = 253_402_300_799

    /// Checks `claims` at time `now` (seconds since the epoch). Guarantees, in order:
    /// `exp`, `nbf`, `iat` are numbers in [0, maxNumericDate] and `iss`, `sub`, `jti`
    /// strings, `aud` a string or array of strings (else `malformed`); `exp` is present
    /// (`missing_claim`) and `now < exp + leeway` (`expired`); `now + leeway >= nbf` and
    /// `iat <= now + leeway` (`not_yet_valid`); then the issuer and audience options.
    public static func validate(_ claims: JSONObject, options: VerificationOptions, now: Double) throws(TokenRejection) {
        let exp = try numericDate("exp", in: claims)
        let nbf = try numericDate("nbf", in: claims)
        let iat = try numericDate("iat", in: claims)
        for name in ["iss", "sub", "jti"] {
            if let value = claims[name], value.stringValue == nil {
                throw TokenRejection(.malformed, "claim \"\(name)\" is not a string")
            }
        }
        let audiences = try audienceList(claims)

        guard let exp else { throw TokenRejection(.missingClaim, "claim \"exp\" is required") }
        let leeway = options.leeway
        if now >= exp + leeway {
            throw TokenRejection(.expired, "token expired at \(exp) (now \(Int64(now.rounded(.down))), leeway \(leeway)s)")
        }
        if let nbf, now + leeway < nbf {
            throw TokenRejection(.notYetValid, "token is not valid before \(nbf) (now \(Int64(now.rounded(.down))))")
        }
        if let iat, iat > now + leeway {
            throw TokenRejection(.notYetValid, "token was issued in the future (iat \(iat), now \(Int64(now.rounded(.down))))")
        }
        if let issuer = options.issuer {
            guard let iss = claims["iss"]?.stringValue else { throw TokenRejection(.missingClaim, "claim \"iss\" is required") }
            guard iss == issuer else {
                throw TokenRejection(.badIssuer, "issuer \"\(JSONWriter.escapeForMessage(iss))\" is not \"\(JSONWriter.escapeForMessage(issuer))\"")
            }
        }
        if let audience = options.audience {
            guard let audiences else { throw TokenRejection(.missingClaim, "claim \"aud\" is required") }
            guard audiences.contains(audience) else {
                throw TokenRejection(.badAudience, "audience does not include \"\(JSONWriter.escapeForMessage(audience))\"")
            }
        }
    }

    private static func numericDate(_ name: String, in claims: JSONObject) throws(TokenRejection) -> Double? {
        guard let value = claims[name] else { return nil }
        guard let number = value.doubleValue, number.isFinite, number >= 0, number <= maxNumericDate else {
            throw TokenRejection(.malformed, "claim \"\(name)\" is not a NumericDate in [0, \(Int64(maxNumericDate))]")
        }
        return number
    }

    private static func audienceList(_ claims: JSONObject) throws(TokenRejection) -> [String]? {
        guard let value = claims["aud"] else { return nil }
        if let single = value.stringValue { return [single] }
        if let array = value.arrayValue {
            var out: [String] = []
            for element in array {
                guard let text = element.stringValue else { throw TokenRejection(.malformed, "claim \"aud\" has a non-string member") }
                out.append(text)
            }
            return out
        }
        throw TokenRejection(.malformed, "claim \"aud\" is neither a string nor an array of strings")
    }
}
