/// JWK (RFC 7517) import and export for `oct`, `RSA`, `EC` and `OKP` (Ed25519) keys.
extension JWSKey {
    /// Private JWK members, never written to a JWKS, the console or a log.
    public static let privateMemberNames: Set<String> = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"]

    /// A key from a JWK given as JSON text. Throws `JOSEInputError` naming the problem.
    public convenience init(jwkJSON text: String) throws(JOSEInputError) {
        try self.init(jwk: JSONReader.parseInput(text, naming: "JWK"))
    }

    /// A key from a parsed JWK. Throws `JOSEInputError` for a missing or malformed member,
    /// an unsupported `kty` or curve, a `use` other than `sig`, an unknown `alg`, or an
    /// `alg` the key cannot be used with.
    public convenience init(jwk: JSONObject) throws(JOSEInputError) {
        guard let kty = jwk["kty"] else { throw JOSEInputError("JWK has no \"kty\"") }
        guard let kty = kty.stringValue else { throw JOSEInputError("JWK \"kty\" is not a string") }
        var algorithm: JWSAlgorithm?
        var algorithmName: String?
        if let alg = jwk["alg"] {
            guard let name = alg.stringValue else { throw JOSEInputError("JWK \"alg\" is not a string") }
            guard let parsed = JWSAlgorithm(name: name) else {
                throw JOSEInputError("JWK \"alg\" \"\(JSONWriter.escapeForMessage(name))\" is not a supported signing algorithm")
            }
            algorithm = parsed
            algorithmName = name
        }
        if let use = jwk["use"] {
            guard use.stringValue == "sig" else { throw JOSEInputError("JWK \"use\" is not \"sig\"") }
        }
        var kid: String?
        if let value = jwk["kid"] {
            guard let string = value.stringValue else { throw JOSEInputError("JWK \"kid\" is not a string") }
            kid = string
        }
        let material: Material
        switch kty {
        case "oct":
            material = .symmetric(try Self.member("k", of: jwk))
        case "RSA":
            material = .asymmetric(try Self.rsaKey(jwk))
        case "EC":
            material = .asymmetric(try Self.ecKey(jwk))
        case "OKP":
            material = .asymmetric(try Self.okpKey(jwk))
        default:
            throw JOSEInputError("JWK \"kty\" \"\(JSONWriter.escapeForMessage(kty))\" is not supported (oct, RSA, EC, OKP)")
        }
        try self.init(material: material, algorithm: algorithm, algorithmName: algorithmName, kid: kid)
    }

    private static func member(_ name: String, of jwk: JSONObject) throws(JOSEInputError) -> [UInt8] {
        guard let value = jwk[name] else { throw JOSEInputError("JWK has no \"\(name)\"") }
        guard let text = value.stringValue, let bytes = Base64URL.decode(text) else {
            throw JOSEInputError("JWK \"\(name)\" is not base64url")
        }
        return bytes
    }

    private static func optionalMember(_ name: String, of jwk: JSONObject) throws(JOSEInputError) -> [UInt8]? {
        jwk[name] == nil ? nil : try member(name, of: jwk)
    }

    private static func rsaKey(_ jwk: JSONObject) throws(JOSEInputError) -> EVPKey {
        let n = try member("n", of: jwk)
        let e = try member("e", of: jwk)
        guard !n.isEmpty, !e.isEmpty else { throw JOSEInputError("JWK \"n\" and \"e\" must not be empty") }
        if jwk["oth"] != nil { throw JOSEInputError("JWK \"oth\" (multi-prime RSA) is not supported") }
        var privateMembers: EVPKey.RSAPrivateMembers?
        if let d = try optionalMember("d", of: jwk) {
            let crtNames = ["p", "q", "dp", "dq", "qi"]
            let present = crtNames.filter { jwk[$0] != nil }
            var crt: (p: [UInt8], q: [UInt8], dp: [UInt8], dq: [UInt8], qi: [UInt8])?
            if present.count == crtNames.count {
                crt = (
                    try member("p", of: jwk), try member("q", of: jwk), try member("dp", of: jwk),
                    try member("dq", of: jwk), try member("qi", of: jwk)
                )
            } else if !present.isEmpty {
                throw JOSEInputError("JWK has some but not all of \"p\", \"q\", \"dp\", \"dq\", \"qi\"")
            }
            privateMembers = EVPKey.RSAPrivateMembers(d: d, crt: crt)
        }
        do {
            return try EVPKey.rsa(n: n, e: e, privateMembers: privateMembers)
        } catch {
            throw JOSEInputError(invalidKey: "invalid RSA JWK: \(error.message)")
        }
    }

    private static func ecKey(_ jwk: JSONObject) throws(JOSEInputError) -> EVPKey {
        guard let crv = jwk["crv"]?.stringValue else { throw JOSEInputError("JWK has no \"crv\"") }
        guard let curve = ECCurve(rawValue: crv) else {
            throw JOSEInputError("JWK \"crv\" \"\(JSONWriter.escapeForMessage(crv))\" is not supported for EC (P-256, P-384, P-521)")
        }
        let x = try member("x", of: jwk)
        let y = try member("y", of: jwk)
        let d = try optionalMember("d", of: jwk)
        // Wrong lengths are a malformed JWK; a point off the curve is an invalid key.
        let size = curve.coordinateByteCount
        guard x.count == size, y.count == size, d.map({ $0.count == size }) ?? true else {
            throw JOSEInputError("invalid EC JWK: \(curve.rawValue) members must be \(size) bytes")
        }
        do {
            return try EVPKey.ec(curve: curve, x: x, y: y, d: d)
        } catch {
            throw JOSEInputError(invalidKey: "invalid EC JWK: \(error.message)")
        }
    }

    private static func okpKey(_ jwk: JSONObject) throws(JOSEInputError) -> EVPKey {
        guard let crv = jwk["crv"]?.stringValue else { throw JOSEInputError("JWK has no \"crv\"") }
        guard crv == "Ed25519" else {
            throw JOSEInputError("JWK \"crv\" \"\(JSONWriter.escapeForMessage(crv))\" is not supported for OKP (Ed25519)")
        }
        let x = try member("x", of: jwk)
        let d = try optionalMember("d", of: jwk)
        guard x.count == 32, d.map({ $0.count == 32 }) ?? true else { throw JOSEInputError("invalid OKP JWK: Ed25519 members must be 32 bytes") }
        do {
            return try EVPKey.ed25519(x: x, d: d)
        } catch {
            throw JOSEInputError(invalidKey: "invalid OKP JWK: \(error.message)")
        }
    }

    /// The key as a JWK: `kty`, the key members, `kid`, `alg` (when bound) and `use: "sig"`.
    /// Private members are included only when `includePrivate` is true; a symmetric key has
    /// no public form, so without `includePrivate` its `k` is left out too.
    public func jwk(includePrivate: Bool) -> JSONObject {
        var object = JSONObject()
        object["kty"] = .string(keyType)
        switch material {
        case .symmetric(let secret):
            if includePrivate { object["k"] = .string(Base64URL.encode(secret)) }
        case .asymmetric(let key):
            switch key.kind {
            case .rsa:
                if let members = key.rsaPublicMembers() {
                    object["n"] = .string(Base64URL.encode(members.n))
                    object["e"] = .string(Base64URL.encode(members.e))
                }
                if includePrivate, let secret = key.rsaPrivateMembers() {
                    object["d"] = .string(Base64URL.encode(secret.d))
                    if let crt = secret.crt {
                        object["p"] = .string(Base64URL.encode(crt.p))
                        object["q"] = .string(Base64URL.encode(crt.q))
                        object["dp"] = .string(Base64URL.encode(crt.dp))
                        object["dq"] = .string(Base64URL.encode(crt.dq))
                        object["qi"] = .string(Base64URL.encode(crt.qi))
                    }
                }
            case .ec(let curve):
                object["crv"] = .string(curve.rawValue)
                if let members = key.ecMembers() {
                    object["x"] = .string(Base64URL.encode(members.x))
                    object["y"] = .string(Base64URL.encode(members.y))
                    if includePrivate, let d = members.d { object["d"] = .string(Base64URL.encode(d)) }
                }
            case .ed25519:
                object["crv"] = .string("Ed25519")
                object["x"] = .string(Base64URL.encode(key.rawPublicKey() ?? []))
                if includePrivate, let d = key.rawPrivateKey() { object["d"] = .string(Base64URL.encode(d)) }
            }
        }
        object["kid"] = .string(kid)
        if let algorithmName { object["alg"] = .string(algorithmName) }
        object["use"] = .string("sig")
        return object
    }

    /// A new key for `algorithm` from OpenSSL's CSPRNG: an HMAC secret as long as the hash,
    /// an RSA key of `rsaBits` (at least 2048), a key on the algorithm's curve, or an
    /// Ed25519 key. The `kid` defaults to the RFC 7638 thumbprint.
    public static func generate(_ algorithm: JWSAlgorithm, algorithmName: String? = nil, kid: String? = nil, rsaBits: Int = 2048) throws(JOSEInputError)
        -> JWSKey
    {
        let material: Material
        do {
            switch algorithm.family {
            case .hmac:
                material = .symmetric(SecureRandom.bytes(algorithm.hash!.byteCount))
            case .rsaPKCS1, .rsaPSS:
                guard rsaBits >= 2048, rsaBits <= 16384 else { throw JOSEInputError("RSA keys must have 2048 to 16384 bits") }
                material = .asymmetric(try EVPKey.generateRSA(bits: rsaBits))
            case .ecdsa(let curve):
                material = .asymmetric(try EVPKey.generateEC(curve))
            case .eddsa:
                material = .asymmetric(try EVPKey.generateEd25519())
            }
        } catch let error as CryptoError {
            throw JOSEInputError("key generation failed: \(error.message)")
        } catch let error as JOSEInputError {
            throw error
        } catch {
            throw JOSEInputError("key generation failed")
        }
        return try JWSKey(material: material, algorithm: algorithm, algorithmName: algorithmName, kid: kid)
    }
}
