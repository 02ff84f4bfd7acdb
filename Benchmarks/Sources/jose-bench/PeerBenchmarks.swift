import Foundation
import JOSE

/// `jose-bench peers DIR`: SessionCore, the bare primitive and the "raw OpenSSL through
/// EVP_DigestSign/Verify" baseline on the keys and claims of `Benchmarks/peers/keys.py`,
/// the same the peer programs use. Prints "NAME ALG sign verify" lines.
enum PeerBenchmarks {
    static let algorithms: [(String, JWSAlgorithm)] = [("HS256", .hs256), ("RS256", .rs256), ("ES256", .es256), ("EdDSA", .edDSA)]

    static func run(folder: String) throws {
        let claimsText = try String(contentsOfFile: folder + "/claims.json", encoding: .utf8)
        let claims = try JSONReader.parseObject(Array(claimsText.utf8))
        let now = Date().timeIntervalSince1970
        let options = VerificationOptions(issuer: "https://auth.example", audience: "orders", algorithms: nil)
        for (name, algorithm) in algorithms {
            let key = try JWSKey(jwkJSON: try String(contentsOfFile: folder + "/\(name.lowercased()).jwk", encoding: .utf8))
            let keys = JWKSet(keys: [key])
            var allowed = options
            allowed.algorithms = [algorithm]
            let token = try JWSSigner.sign(claims, key: key, type: "JWT")
            let input = Array(token.split(separator: ".").prefix(2).joined(separator: ".").utf8)
            _ = try JWSVerifier.verify(token, keys: keys, options: allowed, now: now)
            let oursSign = try opsPerSecond(rounds: 5, seconds: 0.4) { _ = try JWSSigner.sign(claims, key: key, type: "JWT") }
            let oursVerify = try opsPerSecond(rounds: 5, seconds: 0.4) { _ = try JWSVerifier.verify(token, keys: keys, options: allowed, now: now) }
            print("SessionCore \(name) \(Int(oursSign)) \(Int(oursVerify))")

            let bare: BarePrimitive
            let raw: RawOpenSSL
            if algorithm == .hs256 {
                let secret = Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/hs256.key")))
                bare = BarePrimitive(hmacSecret: secret)
                raw = RawOpenSSL(hmacSecret: secret)
            } else {
                let der = Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/\(name.lowercased()).der")))
                let kind: BarePrimitive.Kind = algorithm == .rs256 ? .rsa : algorithm == .es256 ? .ecdsa : .eddsa
                bare = BarePrimitive(kind: kind, der: der)
                raw = RawOpenSSL(kind: algorithm == .rs256 ? .rsa : algorithm == .es256 ? .ecdsa : .eddsa, der: der)
            }
            let bareSignature = bare.sign(input)
            precondition(bare.verify(input, signature: bareSignature), "bare \(name) does not verify its own signature")
            let bareSign = opsPerSecond(rounds: 5, seconds: 0.4) { _ = bare.sign(input) }
            let bareVerify = opsPerSecond(rounds: 5, seconds: 0.4) { _ = bare.verify(input, signature: bareSignature) }
            print("bare \(name) \(Int(bareSign)) \(Int(bareVerify))")
            let rawSignature = raw.sign(input)
            let rawSign = opsPerSecond(rounds: 5, seconds: 0.4) { _ = raw.sign(input) }
            let rawVerify = opsPerSecond(rounds: 5, seconds: 0.4) { _ = raw.verify(input, signature: rawSignature) }
            print("raw \(name) \(Int(rawSign)) \(Int(rawVerify))")
        }
    }
}
