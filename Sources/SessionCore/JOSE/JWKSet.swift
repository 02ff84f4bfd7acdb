/// A set of keys (RFC 7517 §5) a verifier chooses from by `kid` and `alg`.
public struct JWKSet: Sendable {
    /// The usable keys, in document order.
    public let keys: [JWSKey]
    /// Why each skipped key of an imported JWKS was skipped (e.g. `use: "enc"`, `X25519`).
    public let skipped: [String]

    /// A set of the given keys.
    public init(keys: [JWSKey]) {
        self.keys = keys
        self.skipped = []
    }

    /// Parses `{"keys":[…]}`. Keys this product cannot verify with (another `kty`, `use`
    /// or curve, a malformed member) are skipped and listed in `skipped`, so one odd key in
    /// a published set does not disable the others. Throws when the text is not a JWKS.
    public init(json text: String) throws(JOSEInputError) {
        let object: JSONObject
        do {
            object = try JSONReader.parseObject(Array(text.utf8))
        } catch {
            throw JOSEInputError("JWKS is not a JSON object: \(error)")
        }
        try self.init(object: object)
    }

    /// Parses a JWKS object; see `init(json:)`.
    public init(object: JSONObject) throws(JOSEInputError) {
        guard let array = object["keys"]?.arrayValue else { throw JOSEInputError("JWKS has no \"keys\" array") }
        var keys: [JWSKey] = []
        var skipped: [String] = []
        for (index, element) in array.enumerated() {
            guard let jwk = element.objectValue else {
                skipped.append("key \(index): not an object")
                continue
            }
            do {
                keys.append(try JWSKey(jwk: jwk))
            } catch {
                skipped.append("key \(index): \(error.message)")
            }
        }
        self.keys = keys
        self.skipped = skipped
    }

    /// The public JWKS: asymmetric keys only, public members only.
    public func publicJSON() -> JSONObject {
        var object = JSONObject()
        object["keys"] = .array(keys.filter { !$0.isSymmetric }.map { .object($0.jwk(includePrivate: false)) })
        return object
    }
}
