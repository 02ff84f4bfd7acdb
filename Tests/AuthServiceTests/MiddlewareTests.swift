import AuthService
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SessionCore
import SessionVerifier
import SessionVerifierHummingbird
import Testing

@Suite("VerifiedTokenMiddleware")
struct MiddlewareTests {
    @Test("no token or a bad one → 401 with WWW-Authenticate; a valid one reaches the handler with its claims")
    func protects() async throws {
        let fixture = try await ServiceFixture()
        let fetcher = StubFetcher(store: fixture.store)
        let verifier = TokenVerifier(
            configuration: VerifierConfiguration(jwksURL: URL(string: "https://auth.test/.well-known/jwks.json")!,
                                                 revocationFeedURL: URL(string: "https://auth.test/revocations")!,
                                                 issuer: ServiceFixture.issuer, audience: "sessions-api", feedWait: 1),
            fetcher: fetcher)
        await verifier.start()
        defer { verifier.stop() }
        let router = Router(context: VerifiedRequestContext.self)
        router.group("/api").add(middleware: VerifiedTokenMiddleware(verifier: verifier))
            .get("/me") { _, context in context.accessToken?.subject ?? "nobody" }
        let app = Application(router: router)
        let tokens = try await fixture.service.login(username: "alice", password: ServiceFixture.password, clientID: nil, ip: "t", userAgent: "t")
        try await app.test(.router) { client in
            let none = try await client.execute(uri: "/api/me", method: .get)
            #expect(none.status == .unauthorized)
            #expect(none.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            let basic = try await client.execute(uri: "/api/me", method: .get, headers: [.authorization: "Basic YTpi"])
            #expect(basic.status == .unauthorized)
            let forged = try await client.execute(uri: "/api/me", method: .get,
                                                  headers: [.authorization: "Bearer " + tokens.accessToken.dropLast(4) + "AAAA"])
            #expect(forged.status == .unauthorized)
            #expect(forged.headers[.wwwAuthenticate]?.contains(#"error="invalid_token""#) == true)
            let good = try await client.execute(uri: "/api/me", method: .get, headers: [.authorization: "Bearer " + tokens.accessToken])
            #expect(good.status == .ok)
            #expect(String(buffer: good.body) == "alice")
        }
    }
}
