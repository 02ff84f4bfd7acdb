import Foundation
import Testing
@testable import JOSE

/// Invalid public keys, each of which would let anyone forge tokens: refused on import with a
/// stable reason, reported as `weak_key` by a verifier that was given them, and skipped in a
/// key set without disabling the other keys.
@Suite("Public-key validation on import")
struct KeyValidationTests {
    static let forgedNow: Double = 1_800_000_000

    /// The JWK of a fresh RSA public key with `e` replaced.
    static func rsaJWK(e: [UInt8], n: [UInt8]? = nil) throws -> JSONObject {
        var jwk = Support.key(.rs256).jwk(includePrivate: false)
        jwk["e"] = .string(Base64URL.encode(e))
        if let n { jwk["n"] = .string(Base64URL.encode(n)) }
        jwk["kid"] = .string("bad")
        return jwk
    }

    static func modulus() -> [UInt8] {
        Base64URL.decode(Support.key(.rs256).jwk(includePrivate: false)["n"]!.stringValue!)!
    }

    static func importError(_ jwk: JSONObject) -> JOSEInputError? {
        do {
            _ = try JWSKey(jwk: jwk)
            return nil
        } catch {
            return error
        }
    }

    @Test(
        "RSA exponents that are even, below 3, or not below n are refused",
        arguments: [
            ("e = 1", [UInt8]([1])), ("e = 0", [0]), ("e = 2", [2]), ("e = 65536", [1, 0, 0]), ("e = 1 with a leading zero", [0, 1]),
        ])
    func rsaExponent(_ row: (String, [UInt8])) throws {
        let error = try #require(Self.importError(try Self.rsaJWK(e: row.1)), "\(row.0) was accepted")
        #expect(error.isInvalidKey)
        #expect(error.message.hasPrefix("invalid RSA JWK: RSA public exponent e is"), "\(error.message)")
    }

    @Test("RSA: e equal to n or above it, and an even n, are refused; e = 3 and 65537 are accepted")
    func rsaBounds() throws {
        let n = Self.modulus()
        #expect(Self.importError(try Self.rsaJWK(e: n))?.message.contains("not below the modulus") == true)
        let above = [UInt8(1)] + [UInt8](repeating: 1, count: n.count)
        #expect(Self.importError(try Self.rsaJWK(e: above))?.message.contains("not below the modulus") == true)
        var even = n
        even[even.count - 1] &= 0xfe
        #expect(Self.importError(try Self.rsaJWK(e: [1, 0, 1], n: even))?.message.contains("modulus n is even") == true)
        #expect(Self.importError(try Self.rsaJWK(e: [3])) == nil)
        #expect(Self.importError(try Self.rsaJWK(e: [1, 0, 1])) == nil)
    }

    /// EMSA-PKCS1-v1_5 of SHA-256(input), as a k-byte big-endian integer (RFC 8017 §9.2).
    static func pkcs1Encoding(_ input: String, k: Int) -> [UInt8] {
        let digestInfo: [UInt8] = [0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20]
        let t = digestInfo + HashFunction.sha256.hash(Array(input.utf8))
        return [0x00, 0x01] + [UInt8](repeating: 0xff, count: k - t.count - 3) + [0x00] + t
    }

    @Test("with e = 1 the padded hash is a 'signature' anyone can make: the key is refused and its tokens are weak_key")
    func rsaForgery() throws {
        let n = Self.modulus()
        let jwk = try Self.rsaJWK(e: [1])
        let input = Base64URL.encode(Array(#"{"alg":"RS256","kid":"bad"}"#.utf8)) + "." + Base64URL.encode(Array(#"{"sub":"admin","exp":1900000000}"#.utf8))
        let forged = input + "." + Base64URL.encode(Self.pkcs1Encoding(input, k: n.count))
        let set = try JWKSet(object: JSONObject(["keys": .array([.object(jwk), .object(Support.key(.rs256).jwk(includePrivate: false))])]))
        #expect(set.keys.count == 1, "the good key still works")
        #expect(set.invalid.map(\.kid) == ["bad"])
        do {
            _ = try JWSVerifier.verify(forged, keys: set, now: Self.forgedNow)
            Issue.record("a forged token verified")
        } catch {
            #expect(error.reason == .weakKey)
            #expect(error.detail.contains("RSA public exponent e is 1"))
        }
    }

    @Test("an EC point off its curve, or (0, 0), is refused by OpenSSL's check", arguments: [ECCurve.p256, .p384, .p521])
    func ecOffCurve(_ curve: ECCurve) throws {
        let algorithm = JWSAlgorithm.allCases.first { $0.family == .ecdsa(curve) }!
        var jwk = Support.key(algorithm).jwk(includePrivate: false)
        var y = Base64URL.decode(jwk["y"]!.stringValue!)!
        y[y.count - 1] ^= 1
        jwk["y"] = .string(Base64URL.encode(y))
        let error = try #require(Self.importError(jwk))
        #expect(error.isInvalidKey)
        #expect(error.message.hasPrefix("invalid EC JWK:"))
        let zero = Base64URL.encode([UInt8](repeating: 0, count: curve.coordinateByteCount))
        jwk["x"] = .string(zero)
        jwk["y"] = .string(zero)
        #expect(Self.importError(jwk)?.isInvalidKey == true)
    }

    /// The eight points of small order (the sign bit set and clear) and non-canonical
    /// encodings of y (p, p + 1, 2^255 − 1), little-endian hex.
    static let badEd25519: [(String, String)] = [
        ("identity", "0100000000000000000000000000000000000000000000000000000000000000"),
        ("identity, x sign set", "0100000000000000000000000000000000000000000000000000000000000080"),
        ("order 2", "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
        ("order 4", "0000000000000000000000000000000000000000000000000000000000000000"),
        ("order 4, x sign set", "0000000000000000000000000000000000000000000000000000000000000080"),
        ("order 8 (a)", "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),
        ("order 8 (a), x sign set", "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85"),
        ("order 8 (b)", "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),
        ("order 8 (b), x sign set", "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa"),
        ("y = p (non-canonical 0)", "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
        ("y = p + 1 (non-canonical identity)", "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
        ("y = 2^255 - 1", "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
    ]

    @Test("Ed25519 public keys of small order or with a non-canonical y are refused", arguments: badEd25519)
    func ed25519(_ row: (String, String)) throws {
        let jwk = JSONObject([
            "kty": .string("OKP"), "crv": .string("Ed25519"), "x": .string(Base64URL.encode(SignatureSuiteTests.hex(row.1))), "kid": .string("bad"),
        ])
        let error = try #require(Self.importError(jwk), "\(row.0) was accepted")
        #expect(error.isInvalidKey)
        #expect(error.message.hasPrefix("invalid OKP JWK: Ed25519 public key is"))
    }

    @Test(
        "a forged Ed25519 signature (R = identity, S = 0) for the identity key is refused as weak_key, not verified",
        arguments: [
            "0100000000000000000000000000000000000000000000000000000000000000",
            "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        ])
    func ed25519Forgery(_ encoded: String) throws {
        let jwk = JSONObject([
            "kty": .string("OKP"), "crv": .string("Ed25519"), "x": .string(Base64URL.encode(SignatureSuiteTests.hex(encoded))), "kid": .string("bad"),
        ])
        let set = try JWKSet(object: JSONObject(["keys": .array([.object(jwk)])]))
        #expect(set.keys.isEmpty)
        let input = Base64URL.encode(Array(#"{"alg":"EdDSA","kid":"bad"}"#.utf8)) + "." + Base64URL.encode(Array(#"{"sub":"admin","exp":1900000000}"#.utf8))
        let signature = SignatureSuiteTests.hex("01" + String(repeating: "00", count: 63))
        do {
            _ = try JWSVerifier.verify(input + "." + Base64URL.encode(signature), keys: set, now: Self.forgedNow)
            Issue.record("a forged token verified")
        } catch {
            #expect(error.reason == .weakKey)
        }
        // A token without a kid is refused the same way.
        let noKid = Base64URL.encode(Array(#"{"alg":"EdDSA"}"#.utf8)) + "." + Base64URL.encode(Array(#"{"sub":"admin","exp":1900000000}"#.utf8))
        #expect((try? JWSVerifier.verify(noKid + "." + Base64URL.encode(signature), keys: set, now: Self.forgedNow)) == nil)
    }

    @Test("the rules as a table, with no OpenSSL: RSA and Ed25519")
    func pureRules() {
        #expect(PublicKeyValidation.rsaDefect(n: [0xc5], e: [3]) == nil)
        #expect(PublicKeyValidation.rsaDefect(n: [0xc5], e: [0xc5]) != nil)
        #expect(PublicKeyValidation.rsaDefect(n: [0xc5], e: [0xc3]) == nil)
        #expect(PublicKeyValidation.rsaDefect(n: [0x00, 0xc5], e: [0x00, 0x03]) == nil)
        #expect(PublicKeyValidation.rsaDefect(n: [], e: [3]) != nil)
        #expect(PublicKeyValidation.ed25519Defect(x: Base64URL.decode(Support.key(.edDSA).jwk(includePrivate: false)["x"]!.stringValue!)!) == nil)
        #expect(PublicKeyValidation.ed25519Defect(x: [UInt8](repeating: 1, count: 31)) != nil)
        // y = p − 1 is order 2; y = p − 2 is an ordinary canonical value.
        #expect(PublicKeyValidation.ed25519Defect(x: SignatureSuiteTests.hex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")) != nil)
        #expect(PublicKeyValidation.ed25519Defect(x: SignatureSuiteTests.hex("ebffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")) == nil)
    }
}
