import COpenSSL
import Foundation
import Testing
import SessionDemo
@testable import JOSE

/// A signature suite in the spirit of Project Wycheproof, adapted to JWS: for every
/// algorithm, valid signatures changed into every shape that must not verify (lengths off
/// by one, leading zeros added and removed, out-of-range scalars, other PSS salt lengths),
/// each checked end to end through `JWSVerifier` and, for the encoding rule that refuses
/// it, through `SignatureEncoding` directly, so removing a rule fails a test even where
/// OpenSSL would also refuse the bytes.
@Suite("Signature encodings (Wycheproof-style)")
struct SignatureSuiteTests {
    static let header = #"{"alg":"ALG","kid":"k"}"#

    /// A token for `algorithm` by `key`, and its parts.
    struct Signed {
        let input: String
        let signature: [UInt8]
        func token(_ signature: [UInt8]) -> String { input + "." + Base64URL.encode(signature) }
        var token: String { token(signature) }
    }

    static func signed(_ algorithm: JWSAlgorithm, key: JWSKey, payload: String = #"{"exp":1900000000,"sub":"alice"}"#) throws -> Signed {
        let header = Self.header.replacingOccurrences(of: "ALG", with: algorithm.rawValue)
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8))
        let signature = try Array(input.utf8).withUnsafeBytes { try key.sign(algorithm, input: $0) }
        return Signed(input: input, signature: signature)
    }

    static func key(_ algorithm: JWSAlgorithm) throws -> JWSKey {
        try JWSKey(material: Support.key(algorithm).material, algorithm: algorithm, kid: "k")
    }

    static func verdict(_ token: String, _ key: JWSKey) -> TokenRejection.Reason? {
        Support.rejection(token, keys: [key], now: 1_800_000_000)
    }

    static func defect(_ signature: [UInt8], _ algorithm: JWSAlgorithm, _ key: JWSKey) -> String? {
        let k: Int
        if case .asymmetric(let evp) = key.material, evp.kind == .rsa { k = (evp.bits + 7) / 8 } else { k = 0 }
        return signature.withUnsafeBytes { SignatureEncoding.defect($0, algorithm: algorithm, rsaModulusBytes: k) }
    }

    @Test("every length off by one, and leading zeros added or removed, is refused", arguments: JWSAlgorithm.allCases)
    func lengths(_ algorithm: JWSAlgorithm) throws {
        let key = try Self.key(algorithm)
        let good = try Self.signed(algorithm, key: key)
        #expect(Self.verdict(good.token, key) == nil)
        #expect(Self.defect(good.signature, algorithm, key) == nil)
        let sig = good.signature
        let variants: [(String, [UInt8])] = [
            ("one byte appended", sig + [0]),
            ("a leading zero added", [0] + sig),
            ("last byte dropped", Array(sig.dropLast())),
            ("first byte dropped", Array(sig.dropFirst())),
            ("empty", []),
            ("doubled", sig + sig),
        ]
        for (name, variant) in variants {
            #expect(Self.verdict(good.token(variant), key) == .badSignature, "\(algorithm.rawValue): \(name)")
            #expect(Self.defect(variant, algorithm, key) != nil, "\(algorithm.rawValue): \(name)")
        }
    }

    @Test(
        "an RSA signature whose leading zero byte is dropped is refused (RFC 8017 §8.1.2 step 1)",
        arguments: [JWSAlgorithm.rs256, .rs384, .rs512, .ps256, .ps384, .ps512])
    func rsaLeadingZero(_ algorithm: JWSAlgorithm) throws {
        let key = try Self.key(algorithm)
        // About one signature in 256 starts with a zero byte: sign until one does.
        var found: Signed?
        for round in 0..<4_000 {
            let signed = try Self.signed(algorithm, key: key, payload: #"{"exp":1900000000,"n":\#(round)}"#)
            if signed.signature[0] == 0 {
                found = signed
                break
            }
        }
        let signed = try #require(found)
        #expect(Self.verdict(signed.token, key) == nil)
        let short = Array(signed.signature.dropFirst())
        #expect(Self.verdict(signed.token(short), key) == .badSignature)
        #expect(Self.defect(short, algorithm, key) != nil)
    }

    /// The curve order n, big-endian (SEC 2, §2.4.2, 2.5.1 and 2.6.1), written out here as
    /// an independent source for the values the verifier reads from OpenSSL.
    static let orders: [ECCurve: String] = [
        .p256: "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551",
        .p384: "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973",
        .p521: "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
            + "fa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409",
    ]

    static func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    /// `a + b` (big-endian, same length), nil on overflow.
    static func add(_ a: [UInt8], _ b: [UInt8]) -> [UInt8]? {
        var out = a
        var carry = 0
        for index in stride(from: a.count - 1, through: 0, by: -1) {
            let sum = Int(a[index]) + Int(b[index]) + carry
            out[index] = UInt8(sum & 0xff)
            carry = sum >> 8
        }
        return carry == 0 ? out : nil
    }

    /// `a − b` (big-endian, same length, a ≥ b).
    static func subtract(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        var out = a
        var borrow = 0
        for index in stride(from: a.count - 1, through: 0, by: -1) {
            var difference = Int(a[index]) - Int(b[index]) - borrow
            borrow = difference < 0 ? 1 : 0
            if difference < 0 { difference += 256 }
            out[index] = UInt8(difference)
        }
        return out
    }

    @Test(
        "ECDSA r and s at 0, n − 1, n, n + 1 and r + n are refused; the high-s form is accepted",
        arguments: [JWSAlgorithm.es256, .es384, .es512])
    func ecdsaScalars(_ algorithm: JWSAlgorithm) throws {
        guard case .ecdsa(let curve) = algorithm.family else { return }
        let key = try Self.key(algorithm)
        let good = try Self.signed(algorithm, key: key)
        let size = curve.coordinateByteCount
        let n = Self.hex(Self.orders[curve]!)
        #expect(curve.order == n, "the order OpenSSL gives is SEC 2's")
        let r = Array(good.signature[0..<size]), s = Array(good.signature[size...])
        let zero = [UInt8](repeating: 0, count: size)
        var one = zero
        one[size - 1] = 1
        let nMinusOne = Self.subtract(n, one), nPlusOne = Self.add(n, one)!
        var cases: [(String, [UInt8])] = [
            ("r = 0", zero + s), ("s = 0", r + zero), ("r = s = 0", zero + zero),
            ("r = n", n + s), ("s = n", r + n), ("r = n + 1", nPlusOne + s), ("s = n + 1", r + nPlusOne),
        ]
        if let shifted = Self.add(r, n) { cases.append(("r + n", shifted + s)) }
        if let shifted = Self.add(s, n) { cases.append(("s + n", r + shifted)) }
        for (name, variant) in cases {
            #expect(Self.verdict(good.token(variant), key) == .badSignature, "\(algorithm.rawValue): \(name)")
            #expect(Self.defect(variant, algorithm, key) != nil, "\(algorithm.rawValue): \(name)")
        }
        // n − 1 is in range: well-formed, and simply a wrong signature.
        #expect(Self.defect(nMinusOne + s, algorithm, key) == nil)
        #expect(Self.verdict(good.token(nMinusOne + s), key) == .badSignature)
        // (r, n − s) is the same signature's other valid form: ECDSA accepts it and JWS
        // does not require low-s, so it verifies (documented in the README).
        let highS = Self.subtract(n, s)
        #expect(Self.verdict(good.token(r + highS), key) == nil)
    }

    /// L, big-endian.
    static let ed25519L = hex("1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3ed")

    @Test("Ed25519 S ≥ L (S + L, S = L) is refused")
    func ed25519Scalar() throws {
        let key = try Self.key(.edDSA)
        let good = try Self.signed(.edDSA, key: key)
        #expect(SignatureEncoding.ed25519Order == Array(Self.ed25519L.reversed()))
        let rBytes = Array(good.signature[0..<32])
        let sBigEndian = Array(good.signature[32...].reversed())
        let plusL = try #require(Self.add(sBigEndian, Self.ed25519L))
        let variants: [(String, [UInt8])] = [
            ("S + L", rBytes + plusL.reversed()),
            ("S = L", rBytes + Self.ed25519L.reversed()),
            ("S = 2^256 - 1", rBytes + [UInt8](repeating: 0xff, count: 32)),
        ]
        for (name, variant) in variants {
            #expect(Self.verdict(good.token(variant), key) == .badSignature, "\(name)")
            #expect(Self.defect(variant, .edDSA, key) != nil, "\(name)")
        }
        let lMinusOne = Self.subtract(Self.ed25519L, [UInt8](repeating: 0, count: 31) + [1])
        #expect(Self.defect(rBytes + lMinusOne.reversed(), .edDSA, key) == nil)
    }

    @Test("HMAC tags truncated to any shorter length, or extended, are refused", arguments: [JWSAlgorithm.hs256, .hs384, .hs512])
    func hmacTruncation(_ algorithm: JWSAlgorithm) throws {
        let key = try Self.key(algorithm)
        let good = try Self.signed(algorithm, key: key)
        for length in [1, 16, good.signature.count / 2, good.signature.count - 1] {
            let cut = Array(good.signature.prefix(length))
            #expect(Self.verdict(good.token(cut), key) == .badSignature, "\(length) bytes")
            #expect(Self.defect(cut, algorithm, key) != nil)
        }
    }

    @Test(
        "PSS signatures with another salt length are refused (RFC 7518 §3.5: the salt is as long as the hash)",
        arguments: [JWSAlgorithm.ps256, .ps384, .ps512])
    func pssSaltLengths(_ algorithm: JWSAlgorithm) throws {
        let key = try Self.key(algorithm)
        guard case .asymmetric(let evp) = key.material, let hash = algorithm.hash else { return }
        let good = try Self.signed(algorithm, key: key)
        for salt: Int32 in [0, 1, Int32(hash.byteCount) - 1, Int32(hash.byteCount) + 1, -2 /* the maximum */] {
            let signature = try Self.pssSign(good.input, key: evp, hash: hash, saltLength: salt)
            #expect(Self.verdict(good.token(signature), key) == .badSignature, "salt length \(salt)")
        }
        let sameSalt = try Self.pssSign(good.input, key: evp, hash: hash, saltLength: Int32(hash.byteCount))
        #expect(Self.verdict(good.token(sameSalt), key) == nil)
    }

    /// An RSA-PSS signature with an explicit salt length, made with OpenSSL directly.
    static func pssSign(_ input: String, key: EVPKey, hash: HashFunction, saltLength: Int32) throws -> [UInt8] {
        let ctx = try #require(EVP_MD_CTX_new())
        defer { EVP_MD_CTX_free(ctx) }
        var pkey: OpaquePointer?
        #expect(EVP_DigestSignInit(ctx, &pkey, hash.md, nil, key.pointer) == 1)
        #expect(EVP_PKEY_CTX_set_rsa_padding(pkey, shim_RSA_PKCS1_PSS_PADDING()) == 1)
        #expect(EVP_PKEY_CTX_set_rsa_mgf1_md(pkey, hash.md) == 1)
        #expect(EVP_PKEY_CTX_set_rsa_pss_saltlen(pkey, saltLength) == 1)
        let bytes = Array(input.utf8)
        var length = 0
        #expect(EVP_DigestSign(ctx, nil, &length, bytes, bytes.count) == 1)
        var out = [UInt8](repeating: 0, count: length)
        #expect(EVP_DigestSign(ctx, &out, &length, bytes, bytes.count) == 1)
        return Array(out.prefix(length))
    }

    @Test("20,000 random mutations of valid signatures never verify and never trap", arguments: [JWSAlgorithm.es256, .edDSA, .hs256, .ps256])
    func mutations(_ algorithm: JWSAlgorithm) throws {
        let key = try Self.key(algorithm)
        let good = try Self.signed(algorithm, key: key)
        var random = SeededRandom(seed: 11)
        for _ in 0..<(algorithm == .ps256 ? 2_000 : 20_000) {
            var variant = good.signature
            switch random.next() % 4 {
            case 0: variant[Int(random.next() % UInt64(variant.count))] ^= UInt8(1 << (random.next() % 8))
            case 1: variant.insert(UInt8(truncatingIfNeeded: random.next()), at: Int(random.next() % UInt64(variant.count + 1)))
            case 2: variant.remove(at: Int(random.next() % UInt64(variant.count)))
            default: variant = Array(variant.prefix(Int(random.next() % UInt64(variant.count))))
            }
            if variant == good.signature { continue }
            #expect(Self.verdict(good.token(variant), key) == .badSignature)
        }
    }
}
