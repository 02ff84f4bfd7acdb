import Testing
@testable import JOSE

@Suite("Sign and verify round trips")
struct RoundTripTests {
    @Test("every algorithm signs a token that verifies, and only with its own key", arguments: JWSAlgorithm.allCases)
    func roundTrip(_ algorithm: JWSAlgorithm) throws {
        let key = Support.key(algorithm)
        let token = try JWSSigner.sign(Support.claims(), key: key, type: "at+jwt")
        let options = VerificationOptions(issuer: "https://auth.example", audience: "orders", type: "at+jwt")
        let verified = try JWSVerifier.verify(token, keys: JWKSet(keys: [key]), options: options, now: Support.now)
        #expect(verified.algorithm == algorithm)
        #expect(verified.claims == Support.claims())
        #expect(verified.header["kid"]?.stringValue == key.kid)

        // The same kid on a different key of the same algorithm: the signature must not verify.
        let impostor = try JWSKey(material: Support.otherKey(algorithm).material, algorithm: algorithm, kid: key.kid)
        #expect(Support.rejection(token, keys: [impostor]) == .badSignature)
    }

    @Test("the public JWK verifies what the private key signed", arguments: JWSAlgorithm.allCases.filter(\.isAsymmetric))
    func publicJWK(_ algorithm: JWSAlgorithm) throws {
        let key = Support.key(algorithm)
        let publicJWK = key.jwk(includePrivate: false)
        for name in JWSKey.privateMemberNames { #expect(publicJWK[name] == nil) }
        let publicKey = try JWSKey(jwk: publicJWK)
        #expect(!publicKey.canSign)
        #expect(publicKey.kid == key.kid)
        let token = try JWSSigner.sign(Support.claims(), key: key)
        #expect(Support.rejection(token, keys: [publicKey]) == nil)
        #expect(throws: SigningRefusal.self) { try JWSSigner.sign(Support.claims(), key: publicKey) }
    }

    @Test("private JWK export and import keep the key", arguments: JWSAlgorithm.allCases)
    func privateJWK(_ algorithm: JWSAlgorithm) throws {
        let key = Support.key(algorithm)
        let jwk = key.jwk(includePrivate: true)
        #expect(jwk["alg"]?.stringValue == algorithm.rawValue)
        #expect(jwk["use"]?.stringValue == "sig")
        #expect(jwk["kid"]?.stringValue == key.kid)
        let back = try JWSKey(jwk: try JSONReader.parseObject(JSONWriter.bytes(jwk)))
        let token = try JWSSigner.sign(Support.claims(), key: back)
        #expect(Support.rejection(token, keys: [key]) == nil)
    }

    @Test("ECDSA signatures are raw R‖S of the curve's exact size")
    func ecdsaLengths() throws {
        for (algorithm, length) in [(JWSAlgorithm.es256, 64), (.es384, 96), (.es512, 132)] {
            let token = try JWSSigner.sign(Support.claims(), key: Support.key(algorithm))
            let jws = try CompactJWS(token)
            #expect(jws.signature.count == length)
        }
    }

    @Test("Ed25519 (RFC 9864) and EdDSA name the same algorithm")
    func ed25519Alias() throws {
        let key = try JWSKey.generate(.edDSA, algorithmName: "Ed25519")
        let token = try JWSSigner.sign(Support.claims(), key: key)
        #expect(try CompactJWS(token).header["alg"]?.stringValue == "Ed25519")
        #expect(Support.rejection(token, keys: [key]) == nil)
        let eddsa = try JWSKey(material: key.material, algorithm: .edDSA, kid: key.kid)
        #expect(Support.rejection(token, keys: [eddsa]) == nil)
    }

    @Test("a JWKS export carries no private or symmetric material and reloads")
    func jwksExport() throws {
        let keys = JWKSet(keys: [Support.key(.es256), Support.key(.rs256), Support.key(.hs256), Support.key(.edDSA)])
        let text = JSONWriter.string(keys.publicJSON())
        for name in JWSKey.privateMemberNames { #expect(!text.contains("\"\(name)\":")) }
        let reloaded = try JWKSet(json: text)
        #expect(reloaded.keys.map(\.kid) == [Support.key(.es256).kid, Support.key(.rs256).kid, Support.key(.edDSA).kid])
    }

    @Test("a JWKS skips keys it cannot use and keeps the rest")
    func jwksSkips() throws {
        let good = JSONWriter.string(Support.key(.es256).jwk(includePrivate: false))
        let text = #"{"keys":[{"kty":"OKP","crv":"X25519","x":"abc"},{"kty":"RSA","use":"enc","n":"AQAB","e":"AQAB"},7,"# + good + "]}"
        let set = try JWKSet(json: text)
        #expect(set.keys.count == 1)
        #expect(set.skipped.count == 3)
    }
}
