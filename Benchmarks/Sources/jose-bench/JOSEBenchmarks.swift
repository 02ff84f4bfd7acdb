import Crypto
import Foundation
import JWTKit
import SessionCore
import JOSE

/// jwt-kit's view of the common claim set.
struct BenchPayload: JWTPayload {
    var iss: IssuerClaim
    var sub: SubjectClaim
    var aud: AudienceClaim
    var exp: ExpirationClaim
    var iat: IssuedAtClaim
    var jti: IDClaim
    var sid: String
    var scope: String

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
        try aud.verifyIntendedAudience(includes: "orders")
        guard iss.value == "https://auth.example" else { throw JWTError.claimVerificationFailure(failedClaim: iss, reason: "issuer") }
    }
}

/// Sign and verify for HS256, RS256, PS256, ES256 and EdDSA: raw OpenSSL, SessionCore, jwt-kit.
enum JOSEBenchmarks {
    struct Result {
        let algorithm: String
        let rawSign, oursSign, kitSign, rawVerify, oursVerify, kitVerify: Double
    }

    static let now = Date().timeIntervalSince1970

    static func claims() -> JSONObject {
        JSONObject([
            "iss": .string("https://auth.example"), "sub": .string("alice.nguyen"), "aud": .string("orders"),
            "exp": .number(JSONNumber(Int(now) + 300)), "iat": .number(JSONNumber(Int(now))),
            "jti": .string("2c1f4e0a-7d7b-4f1e-9a55-6d3c2b1a0f9e"), "sid": .string("kq3_x9V0bT2mQ1sLw8YzAA"),
            "scope": .string("orders:read orders:write profile"),
        ])
    }

    static func run(_ algorithm: JWSAlgorithm) async throws -> Result {
        let key = try JWSKey.generate(algorithm, kid: "bench")
        let keys = JWKSet(keys: [key])
        let claims = Self.claims()
        let token = try JWSSigner.sign(claims, key: key, type: "JWT")
        let parts = token.split(separator: ".")
        let input = Array("\(parts[0]).\(parts[1])".utf8)
        let options = VerificationOptions(issuer: "https://auth.example", audience: "orders")

        // Raw OpenSSL on the same key and signing input.
        let raw: RawOpenSSL
        var rawSignature: [UInt8]
        switch (algorithm.family, key.material) {
        case (.hmac, .symmetric(let secret)):
            raw = RawOpenSSL(hmacSecret: secret)
        case (_, .asymmetric(let evp)):
            let kind: RawOpenSSL.Kind =
                switch algorithm.family {
                case .rsaPKCS1: .rsa
                case .rsaPSS: .pss
                case .ecdsa: .ecdsa
                default: .eddsa
                }
            raw = RawOpenSSL(kind: kind, der: evp.derPrivateKey()!)
        default:
            fatalError("key material")
        }
        rawSignature = raw.sign(input)
        precondition(raw.verify(input, signature: rawSignature))

        // jwt-kit with the same key.
        let kit = JWTKeyCollection()
        let jwk = key.jwk(includePrivate: true)
        func member(_ name: String) -> String { jwk[name]!.stringValue! }
        switch algorithm {
        case .hs256: await kit.add(hmac: HMACKey(from: Base64URL.decode(member("k"))!), digestAlgorithm: .sha256, kid: "bench")
        case .rs256:
            await kit.add(
                rsa: try Insecure.RSA.PrivateKey(modulus: member("n"), exponent: member("e"), privateExponent: member("d")),
                digestAlgorithm: .sha256, kid: "bench")
        case .ps256:
            await kit.add(
                pss: try Insecure.RSA.PrivateKey(modulus: member("n"), exponent: member("e"), privateExponent: member("d")),
                digestAlgorithm: .sha256, kid: "bench")
        case .es256: await kit.add(ecdsa: try ES256PrivateKey(key: member("d")), kid: "bench")
        default: await kit.add(eddsa: try EdDSA.PrivateKey(d: member("d"), curve: .ed25519), kid: "bench")
        }
        let payload = BenchPayload(
            iss: "https://auth.example", sub: "alice.nguyen", aud: "orders",
            exp: .init(value: Date(timeIntervalSince1970: now + 300)), iat: .init(value: Date(timeIntervalSince1970: now)),
            jti: "2c1f4e0a-7d7b-4f1e-9a55-6d3c2b1a0f9e", sid: "kq3_x9V0bT2mQ1sLw8YzAA", scope: "orders:read orders:write profile")
        let kitToken = try await kit.sign(payload, kid: "bench")
        _ = try await kit.verify(token, as: BenchPayload.self)  // jwt-kit accepts our token, so both verify the same thing

        let rawSign = opsPerSecond { rawSignature = raw.sign(input) }
        let oursSign = try opsPerSecond { _ = try JWSSigner.sign(claims, key: key, type: "JWT") }
        let kitSign = try await opsPerSecondAsync { _ = try await kit.sign(payload, kid: "bench") }
        rawSignature = raw.sign(input)
        let rawVerify = opsPerSecond { precondition(raw.verify(input, signature: rawSignature)) }
        let oursVerify = try opsPerSecond { _ = try JWSVerifier.verify(token, keys: keys, options: options, now: now) }
        let kitVerify = try await opsPerSecondAsync { _ = try await kit.verify(kitToken, as: BenchPayload.self) }
        return Result(
            algorithm: algorithm.rawValue, rawSign: rawSign, oursSign: oursSign, kitSign: kitSign,
            rawVerify: rawVerify, oursVerify: oursVerify, kitVerify: kitVerify)
    }

    /// HS256 and ES256 verification on one thread and on two.
    static func scaling() throws -> [(String, Double, Double)] {
        var out: [(String, Double, Double)] = []
        for algorithm in [JWSAlgorithm.hs256, .es256] {
            let key = try JWSKey.generate(algorithm, kid: "bench")
            let keys = JWKSet(keys: [key])
            let token = try JWSSigner.sign(claims(), key: key)
            let options = VerificationOptions(issuer: "https://auth.example", audience: "orders")
            let now = Self.now
            let work: @Sendable () -> Void = { _ = try? JWSVerifier.verify(token, keys: keys, options: options, now: now) }
            out.append((algorithm.rawValue, opsPerSecondParallel(threads: 1, work), opsPerSecondParallel(threads: 2, work)))
        }
        return out
    }
}
