import Testing
@testable import JOSE

@Suite("Published test vectors")
struct VectorTests {
    static let signatureVectors = [
        "rfc7515-a1-hs256.json", "rfc7515-a2-rs256.json", "rfc7515-a3-es256.json", "rfc7515-a4-es512.json",
        "rfc8037-a4-ed25519.json", "rfc7520-4.1-rs256.json", "rfc7520-4.2-ps384.json",
    ]

    @Test("the published signature verifies, and a one-bit change does not", arguments: signatureVectors)
    func verifies(_ file: String) throws {
        let vector = try Support.vector(file)
        let key = try JWSKey(jwk: try #require(vector["jwk"]?.objectValue))
        let token = try #require(vector["token"]?.stringValue)
        let algorithmName = try #require(vector["alg"]?.stringValue)
        let algorithm = try #require(JWSAlgorithm(name: algorithmName))
        let now = try #require(vector["now"]?.doubleValue)
        let keys = JWKSet(keys: [key])
        let jws = try CompactJWS(token)
        #expect(try JWSVerifier.algorithm(of: jws) == algorithm)
        #expect(try JWSVerifier.verifySignature(jws, algorithm: algorithm, keys: keys, options: VerificationOptions()) === key)

        if vector["payload_is_json"]?.boolValue == true {
            let verified = try JWSVerifier.verify(token, keys: keys, now: now)
            #expect(verified.claims["iss"]?.stringValue == "joe")
            #expect(verified.claims["exp"]?.doubleValue == 1_300_819_380)
            #expect(verified.claims["http://example.com/is_root"]?.boolValue == true)
            // The same token is expired one second later.
            #expect(Support.rejection(token, keys: [key], now: 1_300_819_380) == .expired)
        } else {
            // A valid signature over a payload that is not a JSON object is still not a JWT.
            #expect(Support.rejection(token, keys: [key], now: now) == .malformed)
        }

        var bytes = Array(token.utf8)
        let last = bytes.count - 2  // flip a bit inside the signature, keeping the encoding canonical
        bytes[last] = bytes[last] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(Support.rejection(String(decoding: bytes, as: UTF8.self), keys: [key], now: now) == .badSignature)
    }

    @Test(
        "deterministic algorithms reproduce the published signature byte for byte",
        arguments: ["rfc7515-a1-hs256.json", "rfc7515-a2-rs256.json", "rfc8037-a4-ed25519.json"])
    func reproduces(_ file: String) throws {
        let vector = try Support.vector(file)
        let key = try JWSKey(jwk: try #require(vector["jwk"]?.objectValue))
        let token = try #require(vector["token"]?.stringValue)
        let algorithmName = try #require(vector["alg"]?.stringValue)
        let algorithm = try #require(JWSAlgorithm(name: algorithmName))
        let parts = token.split(separator: ".")
        let input = Array("\(parts[0]).\(parts[1])".utf8)
        let signature = try input.withUnsafeBytes { try key.sign(algorithm, input: $0) }
        #expect(Base64URL.encode(signature) == String(parts[2]))
    }

    @Test("RFC 7638 and RFC 8037 thumbprints", arguments: ["rfc7638-thumbprint.json", "rfc8037-a4-ed25519.json"])
    func thumbprints(_ file: String) throws {
        let vector = try Support.vector(file)
        let jwk = try #require(vector["jwk"]?.objectValue)
        #expect(try JWKThumbprint.thumbprint(ofJWK: jwk) == vector["thumbprint"]?.stringValue)
    }

    @Test("a JWK without kid gets its thumbprint as kid")
    func defaultKid() throws {
        let vector = try Support.vector("rfc8037-a4-ed25519.json")
        let key = try JWSKey(jwk: try #require(vector["jwk"]?.objectValue))
        #expect(key.kid == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k")
    }

    @Test("ES512 signatures are 132 bytes; ECDSA with r = s = 0 never verifies (CVE-2022-21449)")
    func psychicSignature() throws {
        let vector = try Support.vector("rfc7515-a4-es512.json")
        let key = try JWSKey(jwk: try #require(vector["jwk"]?.objectValue))
        let zero = Base64URL.encode([UInt8](repeating: 0, count: 132))
        #expect(Support.rejection("eyJhbGciOiJFUzUxMiJ9.UGF5bG9hZA.\(zero)", keys: [key]) == .badSignature)
    }
}
