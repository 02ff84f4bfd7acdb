/// A token that passed every check of `JWSVerifier`.
///
/// Verification validates the whole token but builds nothing; `header` and `claims` parse
/// it when asked for (each access parses again, so read them once). They never fail: the
/// verifier accepted exactly what the full reader accepts.
public struct VerifiedToken: Sendable {
    /// The token as it was verified.
    public let token: String
    /// The algorithm it was signed with.
    public let algorithm: JWSAlgorithm
    /// The key that verified it.
    public let key: JWSKey

    /// The protected header.
    public var header: JSONObject { (try? CompactJWS(token, maxBytes: .max))?.header ?? JSONObject() }

    /// The claims.
    public var claims: JSONObject { (try? CompactJWS(token, maxBytes: .max).claims()) ?? JSONObject() }
}
