import Foundation
import Testing
@testable import JOSE

/// Shared helpers: vector files, cached keys, and raw token construction.
enum Support {
    static let vectorsURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Vectors")

    /// A vector file, parsed by our own strict reader.
    static func vector(_ name: String) throws -> JSONObject {
        let data = try Data(contentsOf: vectorsURL.appendingPathComponent(name))
        return try JSONReader.parseObject(Array(data))
    }

    /// The fixed "now" most tests use: 2026-01-01T00:00:00Z.
    static let now: Double = 1_767_225_600

    private static let cache = KeyCache()

    /// A freshly generated key for `algorithm`, generated once per test run.
    static func key(_ algorithm: JWSAlgorithm) -> JWSKey { cache.key(algorithm) }

    /// A second, different key for `algorithm`.
    static func otherKey(_ algorithm: JWSAlgorithm) -> JWSKey { cache.key(algorithm, slot: 1) }

    /// Claims that pass every check at `now`.
    static func claims(_ extra: KeyValuePairs<String, JSONValue> = [:]) -> JSONObject {
        var object = JSONObject([
            "iss": .string("https://auth.example"), "sub": .string("alice"), "aud": .string("orders"),
            "iat": .number(JSONNumber(now - 10)), "exp": .number(JSONNumber(now + 300)), "jti": .string("t-1"),
        ])
        for (name, value) in extra { object[name] = value }
        return object
    }

    /// A token with exactly the given header and payload text, signed by `key` with `algorithm`.
    static func rawToken(header: String, payload: String, key: JWSKey, algorithm: JWSAlgorithm) throws -> String {
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8))
        let signature = try Array(input.utf8).withUnsafeBytes { try key.sign(algorithm, input: $0) }
        return input + "." + Base64URL.encode(signature)
    }

    /// A token signed over `header` (a JSON object text) and the JSON of `claims`.
    static func token(header: String, claims: JSONObject = Support.claims(), key: JWSKey, algorithm: JWSAlgorithm) throws -> String {
        try rawToken(header: header, payload: JSONWriter.string(claims), key: key, algorithm: algorithm)
    }

    /// Verifies and returns the reason it was rejected, or nil when accepted.
    static func rejection(_ token: String, keys: [JWSKey], options: VerificationOptions = VerificationOptions(), now: Double = Support.now) -> TokenRejection
        .Reason?
    {
        do {
            _ = try JWSVerifier.verify(token, keys: JWKSet(keys: keys), options: options, now: now)
            return nil
        } catch {
            return error.reason
        }
    }
}

private final class KeyCache: @unchecked Sendable {
    private let lock = NSLock()
    private var keys: [String: JWSKey] = [:]

    func key(_ algorithm: JWSAlgorithm, slot: Int = 0) -> JWSKey {
        lock.lock()
        defer { lock.unlock() }
        let name = "\(algorithm.rawValue)#\(slot)"
        if let key = keys[name] { return key }
        let key = try! JWSKey.generate(algorithm, kid: "\(algorithm.rawValue.lowercased())-\(slot)")
        keys[name] = key
        return key
    }
}
