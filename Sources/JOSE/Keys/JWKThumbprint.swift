/// RFC 7638 JWK thumbprints: SHA-256 over the required public members, sorted, with no
/// whitespace, in base64url. The product uses them as the default `kid`.
public enum JWKThumbprint {
    /// The required members of a JWK, as RFC 7638 §3.2 lists them.
    public static func requiredMembers(of material: JWSKey.Material) -> JSONObject {
        var object = JSONObject()
        switch material {
        case .symmetric(let secret):
            object["k"] = .string(Base64URL.encode(secret))
            object["kty"] = .string("oct")
        case .asymmetric(let key):
            switch key.kind {
            case .rsa:
                let members = key.rsaPublicMembers()
                object["e"] = .string(Base64URL.encode(members?.e ?? []))
                object["kty"] = .string("RSA")
                object["n"] = .string(Base64URL.encode(members?.n ?? []))
            case .ec(let curve):
                let members = key.ecMembers()
                object["crv"] = .string(curve.rawValue)
                object["kty"] = .string("EC")
                object["x"] = .string(Base64URL.encode(members?.x ?? []))
                object["y"] = .string(Base64URL.encode(members?.y ?? []))
            case .ed25519:
                object["crv"] = .string("Ed25519")
                object["kty"] = .string("OKP")
                object["x"] = .string(Base64URL.encode(key.rawPublicKey() ?? []))
            }
        }
        return object
    }

    /// The base64url SHA-256 thumbprint of a key.
    public static func thumbprint(of material: JWSKey.Material) -> String {
        let canonical = JSONWriter.bytes(requiredMembers(of: material), style: .sortedCompact)
        return Base64URL.encode(HashFunction.sha256.hash(canonical))
    }

    /// The thumbprint of a JWK given as JSON (only its required members count).
    public static func thumbprint(ofJWK object: JSONObject) throws(JOSEInputError) -> String {
        let key = try JWSKey(jwk: object)
        return thumbprint(of: key.material)
    }
}
