/// Verifies compact JWS access tokens against a key set: DESIGN.md's "Token verification
/// rules" (RFC 7515, 7518, 7519, 8725) in one synchronous call, with no actor hops.
///
/// Keys come only from the given set: `jwk`, `jku`, `x5u` and `x5c` header members are
/// never used. `alg: none`, in any spelling, never verifies.
///
/// The token is checked where it lies: segments are decoded into stack buffers and the
/// header and claims are validated by `JSONReader.scanObject` (the same rules as the full
/// reader) without building values, so a verification allocates nothing on its way to
/// `VerifiedToken`, whose header and claims are parsed only when asked for.
public enum JWSVerifier {
    /// Verifies `token` at time `now` (seconds since the epoch), or throws the first rule
    /// it breaks as a `TokenRejection`.
    public static func verify(_ token: String, keys: JWKSet, options: VerificationOptions = VerificationOptions(), now: Double) throws(TokenRejection)
        -> VerifiedToken
    {
        let count = token.utf8.count
        if count > options.maxTokenBytes {
            throw TokenRejection(.tokenTooLarge, "token is \(count) bytes, over the \(options.maxTokenBytes)-byte limit")
        }
        var verified: (JWSAlgorithm, JWSKey)?
        var rejection: TokenRejection?
        // A native string's UTF-8 is read in place; any other is copied once.
        let inPlace: Void? = token.utf8.withContiguousStorageIfAvailable { bytes in
            do throws(TokenRejection) {
                verified = try verify(bytes: bytes, keys: keys, options: options, now: now)
            } catch {
                rejection = error
            }
        }
        if inPlace == nil {
            do throws(TokenRejection) {
                verified = try Array(token.utf8).withUnsafeBufferPointer { bytes in
                    Result { () throws(TokenRejection) in try verify(bytes: bytes, keys: keys, options: options, now: now) }
                }.get()
            } catch {
                rejection = error
            }
        }
        guard let (algorithm, key) = verified else { throw rejection ?? TokenRejection(.malformed, "token could not be read") }
        return VerifiedToken(token: token, algorithm: algorithm, key: key)
    }

    /// The whole check on the token's bytes: the algorithm and key that verified it.
    @inline(__always)
    private static func verify(bytes: UnsafeBufferPointer<UInt8>, keys: JWKSet, options: VerificationOptions, now: Double) throws(TokenRejection) -> (
        JWSAlgorithm, JWSKey
    ) {
        let (firstDot, secondDot) = try CompactJWS.dots(bytes)
        let headerText = UnsafeBufferPointer(rebasing: bytes[0..<firstDot])
        let payloadText = UnsafeBufferPointer(rebasing: bytes[(firstDot + 1)..<secondDot])
        let signatureText = UnsafeBufferPointer(rebasing: bytes[(secondDot + 1)...])
        return try withDecoded(headerText, empty: false, "header") { header throws(TokenRejection) in
            try withDecoded(payloadText, empty: true, "payload") { payload throws(TokenRejection) in
                try withDecoded(signatureText, empty: true, "signature") { signature throws(TokenRejection) in
                    let fields = try HeaderFields(header)
                    let algorithm = try fields.algorithm(in: header)
                    if fields.crit { throw TokenRejection(.critUnsupported, "header \"crit\" names extensions this verifier does not support") }
                    let key = try chooseKey(
                        kid: fields.kid, in: header, algorithm: algorithm, keys: keys, options: options,
                        input: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[0..<secondDot]),
                        signature: UnsafeRawBufferPointer(signature))
                    if let wanted = options.type { try checkType(fields.typ, in: header, wanted: wanted) }
                    try ClaimsValidator.validateScanned(payload, options: options, now: now)
                    return (algorithm, key)
                }
            }
        }
    }

    /// Decodes one base64url segment into a temporary buffer for `body`; `malformed` when it
    /// is not canonical base64url (or empty where that is not allowed).
    @inline(__always)
    private static func withDecoded<R>(
        _ text: UnsafeBufferPointer<UInt8>, empty: Bool, _ name: String,
        _ body: (UnsafeBufferPointer<UInt8>) throws(TokenRejection) -> R
    ) throws(TokenRejection) -> R {
        guard let count = Base64URL.decodedCount(text.count), empty || count > 0 else {
            throw TokenRejection(.malformed, "\(name) is not base64url")
        }
        return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count) { buffer throws(TokenRejection) -> R in
            guard Base64URL.decode(text, into: buffer) else { throw TokenRejection(.malformed, "\(name) is not base64url") }
            return try body(UnsafeBufferPointer(buffer))
        }
    }

    /// The algorithm the header names. `none` in any case is `unsupported_alg`, as is any
    /// name this product does not implement.
    public static func algorithm(of jws: CompactJWS) throws(TokenRejection) -> JWSAlgorithm {
        try algorithm(named: jws.algorithmName())
    }

    static func algorithm(named name: String) throws(TokenRejection) -> JWSAlgorithm {
        if let algorithm = JWSAlgorithm(name: name) { return algorithm }
        if name.lowercased() == "none" { throw TokenRejection(.unsupportedAlg, "alg \"none\" is never accepted") }
        throw TokenRejection(.unsupportedAlg, "alg \"\(JSONWriter.escapeForMessage(name))\" is not supported")
    }

    /// Chooses the key and checks the signature: `unknown_kid`, `alg_not_allowed`,
    /// `weak_key` or `bad_signature`, else the key that verified.
    public static func verifySignature(_ jws: CompactJWS, algorithm: JWSAlgorithm, keys: JWKSet, options: VerificationOptions) throws(TokenRejection) -> JWSKey
    {
        let kid = try jws.keyID()
        return try jws.withSigningInput { input, signature in
            Result { () throws(TokenRejection) -> JWSKey in
                try chooseKey(kid: kid, algorithm: algorithm, keys: keys, options: options, input: input, signature: signature)
            }
        }.get()
    }

    /// `chooseKey` for a `kid` still in the scanned header, matched against key ids by bytes.
    private static func chooseKey(
        kid: ScannedString?, in header: UnsafeBufferPointer<UInt8>, algorithm: JWSAlgorithm, keys: JWKSet,
        options: VerificationOptions, input: UnsafeRawBufferPointer, signature: UnsafeRawBufferPointer
    ) throws(TokenRejection) -> JWSKey {
        guard let kid else {
            return try chooseKey(kidText: nil, matches: { _ in true }, algorithm: algorithm, keys: keys, options: options, input: input, signature: signature)
        }
        return try chooseKey(
            kidText: kid.text(in: header), matches: { key in key.kidBytes.withUnsafeBufferPointer { kid.equals($0, in: header) } },
            algorithm: algorithm, keys: keys, options: options, input: input, signature: signature)
    }

    private static func chooseKey(
        kid: String?, algorithm: JWSAlgorithm, keys: JWKSet, options: VerificationOptions,
        input: UnsafeRawBufferPointer, signature: UnsafeRawBufferPointer
    ) throws(TokenRejection) -> JWSKey {
        try chooseKey(
            kidText: kid, matches: { kid == nil || $0.kid == kid }, algorithm: algorithm, keys: keys, options: options, input: input, signature: signature)
    }

    /// The one key choice: `kidText` is the header's kid (nil when it has none, and then
    /// every key `matches`), read only for messages.
    private static func chooseKey(
        kidText: @autoclosure () -> String?, matches: (JWSKey) -> Bool, algorithm: JWSAlgorithm, keys: JWKSet,
        options: VerificationOptions, input: UnsafeRawBufferPointer, signature: UnsafeRawBufferPointer
    ) throws(TokenRejection) -> JWSKey {
        if !keys.keys.contains(where: matches), let kid = kidText() {
            if let invalid = keys.invalidKey(kid: kid, algorithm: algorithm) { throw invalidKeyRejection(invalid) }
            throw TokenRejection(.unknownKid, "no key with kid \"\(JSONWriter.escapeForMessage(kid))\"")
        }
        if let allowed = options.algorithms, !allowed.contains(algorithm) {
            throw TokenRejection(.algNotAllowed, "alg \(algorithm.rawValue) is not in the allowed list")
        }
        // One pass, no allocation: candidates by kid that fit the algorithm; weak ones are
        // never used, only reported when nothing else fits.
        var weak: JWSKey?
        var triedStrong = false
        for key in keys.keys where matches(key) && key.fits(algorithm) {
            if key.isWeak(for: algorithm) {
                weak = weak ?? key
                continue
            }
            triedStrong = true
            if key.verify(algorithm, signature: signature, input: input) { return key }
        }
        if !triedStrong, let weak {
            throw TokenRejection(.weakKey, "the key for \(algorithm.rawValue) is too weak (\(weak.summary))")
        }
        if !triedStrong, kidText() == nil, let invalid = keys.invalidKey(kid: nil, algorithm: algorithm) {
            throw invalidKeyRejection(invalid)
        }
        if !triedStrong {
            throw TokenRejection(.algNotAllowed, "no \(kidText() == nil ? "" : "matching ")key may be used with \(algorithm.rawValue)")
        }
        throw TokenRejection(.badSignature, "signature does not verify")
    }

    private static func invalidKeyRejection(_ key: JWKSet.InvalidKey) -> TokenRejection {
        let name = key.kid.map { " \"\(JSONWriter.escapeForMessage($0))\"" } ?? ""
        return TokenRejection(.weakKey, "the key\(name) is invalid: \(key.reason)")
    }

    private static func checkType(_ typ: ScannedValue?, in header: UnsafeBufferPointer<UInt8>, wanted: String) throws(TokenRejection) {
        guard case .string(let scanned)? = typ else { throw TokenRejection(.badType, "header has no \"typ\"; expected \"\(wanted)\"") }
        let typ = scanned.text(in: header)
        guard normalizedType(typ) == normalizedType(wanted) else {
            throw TokenRejection(.badType, "type \"\(JSONWriter.escapeForMessage(typ))\" is not \"\(wanted)\"")
        }
    }

    /// `typ` compared case-insensitively, with any `application/` prefix removed
    /// (RFC 7515 §4.1.9).
    static func normalizedType(_ type: String) -> String {
        let lower = type.lowercased()
        return lower.hasPrefix("application/") ? String(lower.dropFirst("application/".count)) : lower
    }
}

/// The header members verification reads, found by one scan of the header.
private struct HeaderFields {
    var alg: ScannedValue?
    var kidValue: ScannedValue?
    var typ: ScannedValue?
    var crit = false

    /// Scans `header` (`malformed` unless it is a JSON object) for `alg`, `kid`, `typ` and `crit`.
    init(_ header: UnsafeBufferPointer<UInt8>) throws(TokenRejection) {
        do {
            try JSONReader.scanObject(header) { name, value in
                if name.is("alg", in: header) {
                    alg = value
                } else if name.is("kid", in: header) {
                    kidValue = value
                } else if name.is("typ", in: header) {
                    typ = value
                } else if name.is("crit", in: header) {
                    crit = true
                }
            }
        } catch {
            throw TokenRejection(.malformed, "header is not a JSON object: \(error)")
        }
    }

    /// The header's algorithm: `malformed` when `alg` is absent or not a string.
    func algorithm(in header: UnsafeBufferPointer<UInt8>) throws(TokenRejection) -> JWSAlgorithm {
        guard let alg else { throw TokenRejection(.malformed, "header has no \"alg\"") }
        guard case .string(let name) = alg else { throw TokenRejection(.malformed, "header \"alg\" is not a string") }
        return try JWSVerifier.algorithm(named: name.text(in: header))
    }

    /// The header's `kid`, if present; `malformed` when it is not a string.
    var kid: ScannedString? {
        get throws(TokenRejection) {
            guard let kidValue else { return nil }
            guard case .string(let kid) = kidValue else { throw TokenRejection(.malformed, "header \"kid\" is not a string") }
            return kid
        }
    }
}
