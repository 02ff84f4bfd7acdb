import Foundation
import SessionCore
import JOSE
import SessionVerifier

/// `SessionVerifier` on a repeated token: the verified-token cache (SHA-256 + lookup, with
/// `exp` and the revocation denylist checked on every hit) beside a full signature verify
/// of the same token, and beside SHA-256 alone (the floor of a hash-keyed cache).
enum VerifierBenchmarks {
    struct Result {
        let cached, fullVerify, sha256: Double
        let revocations: Int
    }

    /// Serves one JWKS and a feed holding `revocations` unrelated session revocations.
    final class Fetcher: HTTPFetching, @unchecked Sendable {
        let jwks: [UInt8]
        let feed: [UInt8]
        init(jwks: [UInt8], revocations: Int, now: Double) {
            self.jwks = jwks
            let events = (0..<revocations).map {
                RevocationEvent(sequence: Int64($0 + 1), kind: .session, target: "revoked-session-\($0)", at: now, expiresAt: now + 300)
            }
            feed = JSONWriter.bytes(RevocationFeedPage(events: events, next: Int64(revocations)).json)
        }
        func get(_ url: URL, headers: [String: String], timeout: Double, maxBytes: Int) async throws(HTTPFetchError) -> HTTPFetchResponse {
            if url.path.hasSuffix("jwks.json") { return HTTPFetchResponse(status: 200, headers: ["cache-control": "max-age=3600"], body: jwks) }
            if url.query?.contains("after=0") == true { return HTTPFetchResponse(status: 200, body: feed) }
            try? await Task.sleep(for: .seconds(5))  // a long poll with nothing new
            return HTTPFetchResponse(status: 200, body: Array(#"{"events":[],"next":0}"#.utf8))
        }
    }

    static func run() async throws -> Result {
        let key = try JWSKey.generate(.es256, kid: "bench")
        var claims = JOSEBenchmarks.claims()
        claims["aud"] = .string("orders")
        let token = try JWSSigner.sign(claims, key: key, type: "at+jwt")
        let jwks = JSONWriter.bytes(JWKSet(keys: [key]).publicJSON())
        let revocations = 10_000
        let fetcher = Fetcher(jwks: jwks, revocations: revocations, now: JOSEBenchmarks.now)
        let base = URL(string: "http://auth.bench")!
        let verifier = TokenVerifier(
            configuration: VerifierConfiguration(
                jwksURL: base.appendingPathComponent(".well-known/jwks.json"),
                revocationFeedURL: base.appendingPathComponent("revocations"),
                issuer: "https://auth.example", audience: "orders", stalenessLimit: 3_600),
            fetcher: fetcher)
        await verifier.start()
        defer { verifier.stop() }
        precondition(verifier.revocationState.entries == revocations, "the feed was not applied")
        _ = try await verifier.verify(token)
        let cached = try await opsPerSecondAsync(rounds: 5, seconds: 0.3) { _ = try await verifier.verify(token) }
        let options = VerificationOptions(issuer: "https://auth.example", audience: "orders", type: "at+jwt")
        let keys = JWKSet(keys: [key])
        let full = try opsPerSecond { _ = try JWSVerifier.verify(token, keys: keys, options: options, now: JOSEBenchmarks.now) }
        let sha = opsPerSecond { _ = Digest256.of(token) }
        return Result(cached: cached, fullVerify: full, sha256: sha, revocations: revocations)
    }
}
