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
        // One pass over the members picks out the registered claims.
        var exp: Double?, nbf: Double?, iat: Double?
        var iss: String?
        var audValue: JSONValue?
        for member in claims {
            switch member.name {
            case "exp": exp = try numericDate("exp", member.value)
            case "nbf": nbf = try numericDate("nbf", member.value)
            case "iat": iat = try numericDate("iat", member.value)
            case "iss", "sub", "jti":
                guard case .string(let text) = member.value else {
                    throw TokenRejection(.malformed, "claim \"\(member.name)\" is not a string")
                }
                if member.name == "iss" { iss = text }
            case "aud": audValue = member.value
            default: continue
            }
        }
        let audiences = try audienceList(audValue)

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
            guard let iss else { throw TokenRejection(.missingClaim, "claim \"iss\" is required") }
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

    private static func numericDate(_ name: String, _ value: JSONValue) throws(TokenRejection) -> Double? {
        guard let number = value.doubleValue, number.isFinite, number >= 0, number <= maxNumericDate else {
            throw TokenRejection(.malformed, "claim \"\(name)\" is not a NumericDate in [0, \(Int64(maxNumericDate))]")
        }
        return number
    }

    private static func audienceList(_ value: JSONValue?) throws(TokenRejection) -> [String]? {
        guard let value else { return nil }
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
