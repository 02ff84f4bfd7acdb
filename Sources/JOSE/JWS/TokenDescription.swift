/// What a person needs to read a token that was decoded, not verified: its header and
/// claims, the registered times spelled out, and RFC 8725 warnings. The command line's
/// `token decode` and the console's inspector both show this.
public struct TokenDescription: Sendable {
    /// The protected header.
    public let header: JSONObject
    /// The claims, when the payload is a JSON object.
    public let claims: JSONObject
    /// Signature length in bytes.
    public let signatureByteCount: Int
    /// `exp`, `nbf`, `iat` with absolute and relative times, in that order when present.
    public let times: [(claim: String, rfc3339: String, relative: String)]
    /// RFC 8725 warnings, one short sentence each.
    public let warnings: [String]

    /// Describes `token` at time `now`. Throws `TokenRejection` (`malformed`,
    /// `token_too_large`) when the token cannot be decoded at all.
    public init(token: String, now: Double) throws(TokenRejection) {
        let jws = try CompactJWS(token)
        header = jws.header
        claims = try jws.claims()
        signatureByteCount = jws.signature.count
        var times: [(String, String, String)] = []
        for name in ["exp", "nbf", "iat"] {
            if let value = claims[name]?.doubleValue {
                times.append((name, Timestamp.rfc3339(value), Timestamp.relative(value, now: now)))
            }
        }
        self.times = times
        warnings = Self.warnings(header: header, claims: claims)
    }

    /// RFC 8725 warnings for a header and claim set.
    public static func warnings(header: JSONObject, claims: JSONObject) -> [String] {
        var warnings: [String] = []
        let alg = header["alg"]?.stringValue
        if let alg, alg.lowercased() == "none" { warnings.append("alg \"none\": the token is unsigned and never verifies") }
        if alg == nil { warnings.append("header has no alg") }
        for member in ["jwk", "jku", "x5u", "x5c"] where header[member] != nil {
            warnings.append("header carries \"\(member)\": a key named by the token itself must never be trusted")
        }
        if header["crit"] != nil { warnings.append("header has \"crit\": verifiers here refuse it") }
        if let exp = claims["exp"]?.doubleValue {
            if let iat = claims["iat"]?.doubleValue, exp - iat > 3600 {
                warnings.append("lifetime is \(Timestamp.duration(exp - iat)), over an hour")
            }
        } else {
            warnings.append("no exp: the token never expires (verifiers here refuse it)")
        }
        for claim in ["aud", "iss", "jti"] where claims[claim] == nil {
            warnings.append("no \(claim) claim")
        }
        return warnings
    }
}
