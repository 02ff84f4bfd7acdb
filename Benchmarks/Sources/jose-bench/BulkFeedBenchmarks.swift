import Foundation
import JOSE
import SessionCore
import SessionSQLite
import SessionVerifier

/// A bulk revocation reaching a verifier: `count` session events in the feed, served as
/// sessiond serves them (pages of 1,000 after `after=N`), followed by a `TokenVerifier`
/// from position 0. Measures the catch-up time, the verifier's memory for the denylist, and
/// a cached verification with that denylist in place. This is the measurement that chose
/// per-session events over a compact form (see the README).
enum BulkFeedBenchmarks {
    struct Result {
        let events: Int
        let catchUpSeconds: Double
        let requests: Int
        let residentDeltaMegabytes: Double
        let cachedVerifiesPerSecond: Double
    }

    final class Fetcher: HTTPFetching, @unchecked Sendable {
        let jwks: [UInt8]
        let events: [RevocationEvent]
        private let lock = NSLock()
        private var served = 0
        var requests: Int { lock.withLock { served } }

        init(jwks: [UInt8], count: Int, now: Double) {
            self.jwks = jwks
            events = (0..<count).map {
                RevocationEvent(sequence: Int64($0 + 1), kind: .session, target: SecureRandom.identifier(), at: now, expiresAt: now + 360)
            }
        }

        func get(_ url: URL, headers: [String: String], timeout: Double, maxBytes: Int) async throws(HTTPFetchError) -> HTTPFetchResponse {
            if url.path.hasSuffix("jwks.json") { return HTTPFetchResponse(status: 200, headers: ["cache-control": "max-age=3600"], body: jwks) }
            let after = URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems?.first { $0.name == "after" }?.value.flatMap { Int($0) } ?? 0
            lock.withLock { served += 1 }
            guard after < events.count else {
                try? await Task.sleep(for: .seconds(5))  // a long poll with nothing new
                return HTTPFetchResponse(status: 200, body: Array(#"{"events":[],"next":\#(after)}"#.utf8))
            }
            let page = Array(events[after..<min(after + 1_000, events.count)])
            return HTTPFetchResponse(status: 200, body: JSONWriter.bytes(RevocationFeedPage(events: page, next: page.last!.sequence).json))
        }
    }

    static func run(count: Int = 100_000) async throws -> Result {
        let key = try JWSKey.generate(.es256, kid: "bench")
        var claims = JOSEBenchmarks.claims()
        claims["aud"] = .string("orders")
        let token = try JWSSigner.sign(claims, key: key, type: "at+jwt")
        let fetcher = Fetcher(jwks: JSONWriter.bytes(JWKSet(keys: [key]).publicJSON()), count: count, now: JOSEBenchmarks.now)
        let base = URL(string: "http://auth.bench")!
        let before = residentMegabytes()
        let verifier = TokenVerifier(
            configuration: VerifierConfiguration(
                jwksURL: base.appendingPathComponent(".well-known/jwks.json"), revocationFeedURL: base.appendingPathComponent("revocations"),
                issuer: "https://auth.example", audience: "orders", stalenessLimit: 3_600),
            fetcher: fetcher)
        let start = DispatchTime.now().uptimeNanoseconds
        await verifier.start()
        while verifier.revocationState.entries < count { try await Task.sleep(for: .milliseconds(1)) }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let requests = fetcher.requests
        let after = residentMegabytes()
        _ = try await verifier.verify(token)
        let cached = try await opsPerSecondAsync(rounds: 3, seconds: 0.3) { _ = try await verifier.verify(token) }
        verifier.stop()
        return Result(
            events: count, catchUpSeconds: seconds, requests: requests, residentDeltaMegabytes: after - before, cachedVerifiesPerSecond: cached)
    }
}

/// Revoking everything a filter matches on a copy of the 1,000,000-session store: the blast
/// radius read, then the chunks, with the longest chunk (how long `sessiond` may wait for
/// the write lock meanwhile).
enum BulkRevokeBenchmarks {
    struct Result {
        let filter: String
        let matched: Int
        let radiusSeconds: Double
        let revokeSeconds: Double
        let longestChunkMilliseconds: Double
        /// The median and 99th-percentile chunk (read the next 200, revoke them, commit).
        let medianChunkMilliseconds: Double
        let p99ChunkMilliseconds: Double
    }

    static func run(seed path: String, filter: String) throws -> Result {
        let copy = path + ".bulk-copy"
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: copy + suffix)
            if FileManager.default.fileExists(atPath: path + suffix), suffix != "-shm" {
                try FileManager.default.copyItem(atPath: path + suffix, toPath: copy + suffix)
            }
        }
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: copy + suffix) } }
        // As `sessionctl sessions revoke --where` and the console open it: with a checkpointer thread.
        let store = try SQLiteSessionStore(path: copy, create: false, checkpoints: .background(interval: 0.1))
        let kek = try KeyEncryptionKey.load(environment: ["SESSION_KEK": String(repeating: "42", count: 32)], storePath: copy, create: false).key
        let administration = Administration(store: store, kek: kek)
        let now = Date().timeIntervalSince1970
        let query = try SessionFilter.parse(filter).query(limit: Administration.bulkChunk, now: now)
        var start = DispatchTime.now().uptimeNanoseconds
        let radius = try administration.bulkRadius(query, now: now)
        let radiusSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        start = DispatchTime.now().uptimeNanoseconds
        var last = start
        var longest: UInt64 = 0
        var chunks: [UInt64] = []
        _ = try administration.revokeMatching(query, criteria: filter, audit: AuditContext(actor: "bench", reason: "bench", at: now)) { _ in
            let t = DispatchTime.now().uptimeNanoseconds
            longest = max(longest, t - last)
            chunks.append(t - last)
            last = t
            return true
        }
        let sorted = chunks.sorted()
        func milliseconds(_ fraction: Double) -> Double {
            sorted.isEmpty ? 0 : Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]) / 1e6
        }
        return Result(
            filter: filter, matched: radius.sessions, radiusSeconds: radiusSeconds,
            revokeSeconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, longestChunkMilliseconds: Double(longest) / 1e6,
            medianChunkMilliseconds: milliseconds(0.5), p99ChunkMilliseconds: milliseconds(0.99))
    }
}
