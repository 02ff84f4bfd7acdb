/// A token that passed every check.
public struct VerifiedToken: Sendable {
    /// The protected header.
    public let header: JSONObject
    /// The claims.
    public let claims: JSONObject
    /// The algorithm it was signed with.
    public let algorithm: JWSAlgorithm
    /// The key that verified it.
    public let key: JWSKey
}

/// Verifies compact JWS access tokens against a key set: DESIGN.md's "Token verification
/// rules" (RFC 7515, 7518, 7519, 8725) in one synchronous call, with no actor hops.
///
/// Keys come only from the given set: `jwk`, `jku`, `x5u` and `x5c` header members are
/// never used. `alg: none`, in any spelling, never verifies.
public enum JWSVerifier {
    /// Verifies `token` at time `now` (seconds since the epoch), or throws the first rule
    /// it breaks as a `TokenRejection`.
    public static func verify(_ token: String, keys: JWKSet, options: VerificationOptions = VerificationOptions(), now: Double) throws(TokenRejection) -> VerifiedToken {
        let jws = try CompactJWS(token, maxBytes: options.maxTokenBytes)
        return try verify(jws, keys: keys, options: options, now: now)
    }

    /// Verifies an already split token; see `verify(_:keys:options:now:)`.
    public static func verify(_ jws: CompactJWS, keys: JWKSet, options: VerificationOptions, now: Double) throws(TokenRejection) -> VerifiedToken {
        let algorithm = try algorithm(of: jws)
        if jws.header["crit"] != nil {
            throw TokenRejection(.critUnsupported, "header \"crit\" names extensions this verifier does not support")
        }
        let key = try verifySignature(jws, algorithm: algorithm, keys: keys, options: options)
        if let wanted = options.type {
            guard let typ = jws.header["typ"]?.stringValue else { throw TokenRejection(.badType, "header has no \"typ\"; expected \"\(wanted)\"") }
            guard normalizedType(typ) == normalizedType(wanted) else {
                throw TokenRejection(.badType, "type \"\(JSONWriter.escapeForMessage(typ))\" is not \"\(wanted)\"")
            }
        }
        let claims = try jws.claims()
        try ClaimsValidator.validate(claims, options: options, now: now)
        return VerifiedToken(header: jws.header, claims: claims, algorithm: algorithm, key: key)
    }

    /// The algorithm the header names. `none` in any case is `unsupported_alg`, as is any
    /// name this product does not implement.
    public static func algorithm(of jws: CompactJWS) throws(TokenRejection) -> JWSAlgorithm {
        let name = try jws.algorithmName()
        if name.lowercased() == "none" { throw TokenRejection(.unsupportedAlg, "alg \"none\" is never accepted") }
        guard let algorithm = JWSAlgorithm(name: name) else {
            throw TokenRejection(.unsupportedAlg, "alg \"\(JSONWriter.escapeForMessage(name))\" is not supported")
        }
        return algorithm
    }

    /// Chooses the key and checks the signature: `unknown_kid`, `alg_not_allowed`,
    /// `weak_key` or `bad_signature`, else the key that verified.
    public static func verifySignature(_ jws: CompactJWS, algorithm: JWSAlgorithm, keys: JWKSet, options: VerificationOptions) throws(TokenRejection) -> JWSKey {
        let kid = try jws.keyID()
        if let kid, !keys.keys.contains(where: { $0.kid == kid }) {
            throw TokenRejection(.unknownKid, "no key with kid \"\(JSONWriter.escapeForMessage(kid))\"")
        }
        if let allowed = options.algorithms, !allowed.contains(algorithm) {
            throw TokenRejection(.algNotAllowed, "alg \(algorithm.rawValue) is not in the allowed list")
        }
        // One pass, no allocation: candidates by kid that fit the algorithm; weak ones are
        // never used, only reported when nothing else fits.
        var weak: JWSKey?
        var triedStrong = false
        for key in keys.keys where (kid == nil || key.kid == kid) && key.fits(algorithm) {
            if key.isWeak(for: algorithm) {
                weak = weak ?? key
                continue
            }
            triedStrong = true
            if jws.withSigningInput({ input, signature in key.verify(algorithm, signature: signature, input: input) }) { return key }
        }
        if !triedStrong, let weak {
            throw TokenRejection(.weakKey, "the key for \(algorithm.rawValue) is too weak (\(weak.summary))")
        }
        if !triedStrong {
            throw TokenRejection(.algNotAllowed, "no \(kid == nil ? "" : "matching ")key may be used with \(algorithm.rawValue)")
        }
        throw TokenRejection(.badSignature, "signature does not verify")
    }

    /// `typ` compared case-insensitively, with any `application/` prefix removed
    /// (RFC 7515 §4.1.9).
    static func normalizedType(_ type: String) -> String {
        let lower = type.lowercased()
        return lower.hasPrefix("application/") ? String(lower.dropFirst("application/".count)) : lower
    }
}
