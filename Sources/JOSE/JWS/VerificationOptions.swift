/// What a verifier requires of a token beyond a valid signature.
public struct VerificationOptions: Sendable {
    /// Required `iss`, compared exactly; nil accepts any (or none).
    public var issuer: String?
    /// Required member of `aud` (a string or an array of strings); nil accepts any.
    public var audience: String?
    /// Seconds of clock skew tolerated for `exp`, `nbf` and `iat`; 0 by default.
    public var leeway: Double
    /// The algorithms accepted; nil accepts every supported algorithm that fits the key.
    public var algorithms: Set<JWSAlgorithm>?
    /// Required header `typ`, compared case-insensitively with or without `application/`.
    public var type: String?
    /// The largest token accepted, in bytes.
    public var maxTokenBytes: Int

    public init(
        issuer: String? = nil, audience: String? = nil, leeway: Double = 0,
        algorithms: Set<JWSAlgorithm>? = nil, type: String? = nil,
        maxTokenBytes: Int = CompactJWS.defaultMaxBytes
    ) {
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway
        self.algorithms = algorithms
        self.type = type
        self.maxTokenBytes = maxTokenBytes
    }
}
