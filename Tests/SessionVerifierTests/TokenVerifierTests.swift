import Foundation
import Logging
import SessionCore
import JOSE
import SessionStoreTesting
import SessionVerifier
import Testing

/// Serves the fixture's JWKS and feed to a verifier without a network, counting requests.
final class StubFetcher: HTTPFetching, @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [String: Int] = [:]
    private var feedDown = false
    let store: any SessionStore
    let maxAge: Int
    /// JWKs published beside the store's keys (a bad key in a fetched set).
    let extraKeys: [JSONObject]

    init(store: any SessionStore, maxAge: Int = 60, extraKeys: [JSONObject] = []) {
        self.store = store
        self.maxAge = maxAge
        self.extraKeys = extraKeys
    }

    private var headersByPath: [String: [String: String]] = [:]

    func count(_ path: String) -> Int { lock.withLock { counts[path] ?? 0 } }
    func setFeedDown(_ down: Bool) { lock.withLock { feedDown = down } }
    /// The headers of the last request to `path`.
    func lastHeaders(_ path: String) -> [String: String] { lock.withLock { headersByPath[path] ?? [:] } }

    func get(_ url: URL, headers: [String: String], timeout: Double, maxBytes: Int) async throws(HTTPFetchError) -> HTTPFetchResponse {
        let down = lock.withLock {
            counts[url.path, default: 0] += 1
            headersByPath[url.path] = headers
            return feedDown
        }
        do {
            switch url.path {
            case "/.well-known/jwks.json":
                var jwks = KeyRing.publishedJWKS(try store.signingKeys())
                if !extraKeys.isEmpty, case .array(let keys)? = jwks["keys"] {
                    jwks["keys"] = .array(keys + extraKeys.map { .object($0) })
                }
                let body = JSONWriter.bytes(jwks)
                return HTTPFetchResponse(status: 200, headers: ["cache-control": "public, max-age=\(maxAge)"], body: body)
            case "/revocations":
                if down { throw HTTPFetchError("connection refused") }
                let after = URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems?.first { $0.name == "after" }?.value
                let events = try store.revocations(after: Int64(after ?? "0") ?? 0, limit: 1000)
                if events.isEmpty { try? await Task.sleep(for: .milliseconds(20)) }
                let page = RevocationFeedPage(events: events, next: events.last?.sequence ?? Int64(after ?? "0") ?? 0)
                return HTTPFetchResponse(status: 200, body: JSONWriter.bytes(page.json))
            default:
                return HTTPFetchResponse(status: 404, body: [])
            }
        } catch let error as HTTPFetchError {
            throw error
        } catch {
            throw HTTPFetchError("\(error)")
        }
    }
}

/// A clock tests move by hand.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Double
    init(_ start: Double = SystemClock.now()) { value = start }
    var now: Double { lock.withLock { value } }
    func advance(_ seconds: Double) { lock.withLock { value += seconds } }
}

@Suite("SessionVerifier")
struct TokenVerifierTests {
    let base = URL(string: "https://auth.test")!

    /// A verifier on the real clock, or on `clock` (made after the tokens it checks were issued).
    func makeVerifier(
        _ fixture: VerifierFixture, fetcher: StubFetcher, clock: ManualClock? = nil,
        policy: StaleFeedPolicy = .failClosed, feed: Bool = true, logger: Logger? = nil
    ) -> TokenVerifier {
        var quiet = logger ?? Logger(label: "verifier")
        if logger == nil { quiet.logLevel = .critical }
        return TokenVerifier(
            configuration: VerifierConfiguration(
                jwksURL: base.appendingPathComponent(".well-known/jwks.json"),
                revocationFeedURL: feed ? base.appendingPathComponent("revocations") : nil,
                issuer: VerifierFixture.issuer, audience: "sessions-api", stalenessLimit: 30, staleFeedPolicy: policy, feedWait: 1),
            fetcher: fetcher, logger: quiet, clock: { clock?.now ?? SystemClock.now() })
    }

    @Test("a bad key in a fetched JWKS is skipped and logged; the other keys still verify; its tokens are weak_key")
    func badKeyInFetchedSet() async throws {
        let fixture = try VerifierFixture()
        var bad = try JWSKey.generate(.rs256).jwk(includePrivate: false)
        bad["kid"] = .string("e-is-one")
        bad["e"] = .string(Base64URL.encode([1]))
        let fetcher = StubFetcher(store: fixture.store, extraKeys: [bad])
        let recorder = LogRecorder()
        var logger = Logger(label: "recorded") { _ in RecordingHandler(recorder: recorder) }
        logger.logLevel = .debug
        let verifier = makeVerifier(fixture, fetcher: fetcher, logger: logger)
        await verifier.start()
        defer { verifier.stop() }
        let tokens = try fixture.login()
        let accepted = try await verifier.verify(tokens.accessToken)
        #expect(accepted.subject == "alice")
        #expect(recorder.lines.contains { $0.contains("skipped a key of the fetched JWKS") && $0.contains("RSA public exponent e is 1") })
        // A token naming the bad key is refused as weak_key, without a refetch storm.
        let header = Base64URL.encode(Array(#"{"alg":"RS256","kid":"e-is-one","typ":"at+jwt"}"#.utf8))
        let forged = header + "." + tokens.accessToken.split(separator: ".")[1] + "." + Base64URL.encode([1, 2, 3])
        do {
            _ = try await verifier.verify(forged)
            Issue.record("a token for an invalid key was accepted")
        } catch {
            guard case .rejected(let rejection) = error else { Issue.record("\(error)"); return }
            #expect(rejection.reason == .weakKey)
        }
    }

    /// A started verifier following the fixture's keys and feed, and its fetcher.
    func startedVerifier(_ fixture: VerifierFixture) async -> (TokenVerifier, StubFetcher) {
        let fetcher = StubFetcher(store: fixture.store)
        let verifier = makeVerifier(fixture, fetcher: fetcher)
        await verifier.start()
        return (verifier, fetcher)
    }

    func login(_ fixture: VerifierFixture, _ user: String = "alice") async throws -> VerifierFixture.Issued {
        try fixture.login(user)
    }

    @Test("verifies the service's tokens with typ, iss and aud; refuses another audience")
    func verifies() async throws {
        let fixture = try VerifierFixture()
        let (verifier, fetcher) = await startedVerifier(fixture)
        defer { verifier.stop() }
        let tokens = try await login(fixture)
        let token = try await verifier.verify(tokens.accessToken)
        #expect(token.subject == "alice")
        #expect(token.sessionID == tokens.sessionID)
        #expect(token.clientID == "svc")

        let other = TokenVerifier(
            configuration: VerifierConfiguration(
                jwksURL: base.appendingPathComponent(".well-known/jwks.json"),
                audience: "billing"), fetcher: fetcher)
        await #expect(throws: VerifierError.self) { try await other.verify(tokens.accessToken) }
        do {
            _ = try await other.verify(tokens.accessToken)
        } catch {
            guard case .rejected(let rejection) = error else { Issue.record("expected a rejection"); return }
            #expect(rejection.reason == .badAudience)
        }
    }

    @Test("a repeated token is a cache hit, but a revocation learned from the feed still refuses it")
    func cacheHonoursRevocation() async throws {
        let fixture = try VerifierFixture()
        let (verifier, fetcher) = await startedVerifier(fixture)
        defer { verifier.stop() }
        let tokens = try await login(fixture)
        for _ in 0..<100 { _ = try await verifier.verify(tokens.accessToken) }
        #expect(fetcher.count("/.well-known/jwks.json") == 1)
        try fixture.store.revokeSessions(ids: [tokens.sessionID], audit: AuditContext(actor: "t", reason: "t", at: SystemClock.now()))
        var refused: TokenRejection?
        for _ in 0..<100 where refused == nil {
            do {
                _ = try await verifier.verify(tokens.accessToken)
                try await Task.sleep(for: .milliseconds(20))
            } catch let error as VerifierError {
                if case .rejected(let rejection) = error { refused = rejection }
            }
        }
        #expect(refused?.reason == .revoked)
    }

    @Test("user cutoffs, jti and key revocations from the feed refuse matching tokens only")
    func otherRevocationKinds() async throws {
        let fixture = try VerifierFixture()
        let fetcher = StubFetcher(store: fixture.store)
        let verifier = makeVerifier(fixture, fetcher: fetcher)
        let alice = try await login(fixture)
        let bob = try await login(fixture, "bob")
        let bob2 = try await login(fixture, "bob")
        try fixture.store.revokeUser("alice", audit: AuditContext(actor: "t", reason: "t", at: SystemClock.now() + 1))
        let jti = try CompactJWS(bob.accessToken).claims()["jti"]?.stringValue ?? ""
        try fixture.store.revokeTokenID(jti, expiresAt: SystemClock.now() + 300, audit: AuditContext(actor: "t", reason: "t", at: SystemClock.now()))
        await verifier.start()
        defer { verifier.stop() }
        for token in [alice.accessToken, bob.accessToken] {
            await #expect(throws: VerifierError.self) { try await verifier.verify(token) }
        }
        #expect(try await verifier.verify(bob2.accessToken).subject == "bob")
        // Revoking the active key refuses every token it signed.
        let active = try #require(try fixture.store.signingKeys().first { $0.state == .active })
        let fresh = try KeyRing.makeRecord(.es256, kek: fixture.kek, at: SystemClock.now())
        try fixture.store.revokeSigningKey(kid: active.kid, fresh: fresh, audit: AuditContext(actor: "t", reason: "t", at: SystemClock.now()))
        var refused = false
        for _ in 0..<100 where !refused {
            do {
                _ = try await verifier.verify(bob2.accessToken)
                try await Task.sleep(for: .milliseconds(20))
            } catch let error as VerifierError {
                if case .rejected(let rejection) = error { refused = rejection.reason == .revoked }
            }
        }
        #expect(refused)
    }

    @Test("an unknown kid refetches the JWKS at most once per 30 s, however many arrive")
    func unknownKidRateLimit() async throws {
        let fixture = try VerifierFixture()
        let fetcher = StubFetcher(store: fixture.store)
        let clock = ManualClock()
        let verifier = makeVerifier(fixture, fetcher: fetcher, clock: clock, feed: false)
        await verifier.start()
        #expect(fetcher.count("/.well-known/jwks.json") == 1)
        let stranger = try JWSKey.generate(.es256)
        let forged = try JWSSigner.sign(
            JSONObject(["sub": .string("x"), "exp": .number(JSONNumber(clock.now + 60))]), key: stranger,
            type: "at+jwt", kid: "no-such-kid")
        for _ in 0..<200 { await #expect(throws: VerifierError.self) { try await verifier.verify(forged) } }
        #expect(fetcher.count("/.well-known/jwks.json") == 2)
        clock.advance(31)
        for _ in 0..<50 { await #expect(throws: VerifierError.self) { try await verifier.verify(forged) } }
        #expect(fetcher.count("/.well-known/jwks.json") == 3)
    }

    @Test("a key activated after the last fetch is found by the unknown-kid refetch")
    func rotationIsPickedUp() async throws {
        let fixture = try VerifierFixture()
        let fetcher = StubFetcher(store: fixture.store)
        let verifier = makeVerifier(fixture, fetcher: fetcher, feed: false)
        await verifier.start()
        // Two rotations: the second activates a key the verifier has never seen.
        for _ in 0..<2 {
            let fresh = try KeyRing.makeRecord(.es256, kek: fixture.kek, at: SystemClock.now())
            try fixture.store.rotateSigningKeys(fresh: fresh, audit: AuditContext(actor: "t", reason: "t", at: SystemClock.now()))
        }
        let tokens = try await login(fixture)
        #expect(try await verifier.verify(tokens.accessToken).subject == "alice")
    }

    @Test("a stale feed refuses tokens under fail-closed and keeps verifying under warn")
    func staleness() async throws {
        let fixture = try VerifierFixture()
        let tokens = try await login(fixture)
        for policy in StaleFeedPolicy.allCases {
            let fetcher = StubFetcher(store: fixture.store)
            let clock = ManualClock()
            let verifier = makeVerifier(fixture, fetcher: fetcher, clock: clock, policy: policy)
            fetcher.setFeedDown(true)
            await verifier.start()
            defer { verifier.stop() }
            #expect(try await verifier.verify(tokens.accessToken).subject == "alice")
            clock.advance(31)
            switch policy {
            case .failClosed:
                do {
                    _ = try await verifier.verify(tokens.accessToken)
                    Issue.record("a stale feed must refuse under fail-closed")
                } catch {
                    guard case .unavailable = error else { Issue.record("expected unavailable, got \(error)"); return }
                }
            case .warn:
                #expect(try await verifier.verify(tokens.accessToken).subject == "alice")
            }
        }
    }

    @Test("the cache honours exp: an expired cached token is refused")
    func cacheHonoursExpiry() async throws {
        let fixture = try VerifierFixture()
        let tokens = try await login(fixture)
        let fetcher = StubFetcher(store: fixture.store)
        let clock = ManualClock()
        let verifier = makeVerifier(fixture, fetcher: fetcher, clock: clock, feed: false)
        await verifier.start()
        _ = try await verifier.verify(tokens.accessToken)
        clock.advance(310)  // past exp and the 5 s default leeway
        do {
            _ = try await verifier.verify(tokens.accessToken)
            Issue.record("an expired token was accepted from the cache")
        } catch {
            guard case .rejected(let rejection) = error else { Issue.record("\(error)"); return }
            #expect(rejection.reason == .expired)
        }
    }
}
