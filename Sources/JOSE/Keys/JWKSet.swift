/// A set of keys (RFC 7517 §5) a verifier chooses from by `kid` and `alg`.
public struct JWKSet: Sendable {
    /// The usable keys, in document order.
    public let keys: [JWSKey]
    /// Why each skipped key of an imported JWKS was skipped (e.g. `use: "enc"`, `X25519`).
    public let skipped: [String]
    /// Keys skipped because they are invalid (`JOSEInputError.isInvalidKey`): a token that
    /// names one, or that only such a key could verify, is `weak_key`, not `unknown_kid`.
    public let invalid: [InvalidKey]

    /// A well-formed key refused as unusable, kept to explain why its tokens are refused.
    public struct InvalidKey: Sendable, Equatable {
        /// The JWK's `kid`, when it has one.
        public let kid: String?
        /// The JWK's `kty`.
        public let keyType: String
        /// The stable reason (`PublicKeyValidation` or OpenSSL's key check).
        public let reason: String
    }

    /// A set of the given keys.
    public init(keys: [JWSKey]) {
        self.keys = keys
        self.skipped = []
        self.invalid = []
    }

    /// A set of one JWK: `keys` holds it, or `invalid` does when the key is invalid.
    /// Throws for any other problem (not JSON, a missing member, an unknown `alg`).
    public init(jwkJSON text: String) throws(JOSEInputError) {
        let object = try JSONReader.parseInput(text, naming: "JWK")
        try self.init(object: JSONObject(["keys": .array([.object(object)])]))
        if let problem = skipped.first, invalid.isEmpty { throw JOSEInputError(problem.replacingPrefix("key 0: ", with: "")) }
    }

    /// Parses `{"keys":[…]}`. Keys this product cannot verify with (another `kty`, `use`
    /// or curve, a malformed member) are skipped and listed in `skipped`, so one odd key in
    /// a published set does not disable the others. Throws when the text is not a JWKS.
    public init(json text: String) throws(JOSEInputError) {
        try self.init(object: JSONReader.parseInput(text, naming: "JWKS"))
    }

    /// Parses a JWKS object; see `init(json:)`.
    public init(object: JSONObject) throws(JOSEInputError) {
        guard let array = object["keys"]?.arrayValue else { throw JOSEInputError("JWKS has no \"keys\" array") }
        var keys: [JWSKey] = []
        var skipped: [String] = []
        var invalid: [InvalidKey] = []
        for (index, element) in array.enumerated() {
            guard let jwk = element.objectValue else {
                skipped.append("key \(index): not an object")
                continue
            }
            do {
                keys.append(try JWSKey(jwk: jwk))
            } catch {
                skipped.append("key \(index): \(error.message)")
                if error.isInvalidKey {
                    invalid.append(InvalidKey(kid: jwk["kid"]?.stringValue, keyType: jwk["kty"]?.stringValue ?? "", reason: error.message))
                }
            }
        }
        self.keys = keys
        self.skipped = skipped
        self.invalid = invalid
    }

    /// The invalid key a token with `kid` (or without one) for `algorithm` would have used.
    func invalidKey(kid: String?, algorithm: JWSAlgorithm) -> InvalidKey? {
        guard !invalid.isEmpty else { return nil }
        if let kid { return invalid.first { $0.kid == kid } }
        return invalid.first { $0.keyType == algorithm.keyType }
    }

    /// The public JWKS: asymmetric keys only, public members only.
    public func publicJSON() -> JSONObject {
        var object = JSONObject()
        object["keys"] = .array(keys.filter { !$0.isSymmetric }.map { .object($0.jwk(includePrivate: false)) })
        return object
    }
}

extension String {
    /// The text with `prefix` replaced when it starts with it.
    fileprivate func replacingPrefix(_ prefix: String, with replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }
}
