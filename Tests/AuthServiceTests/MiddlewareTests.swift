import AuthService
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SessionCore
import JOSE
import SessionVerifier
import SessionVerifierHummingbird
import Testing

@Suite("VerifiedTokenMiddleware")
struct MiddlewareTests {
    @Test("no token or a bad one → 401 with WWW-Authenticate; a valid one reaches the handler with its claims")
    func protects() async throws {
        let fixture = try await ServiceFixture()
        let verifier = TokenVerifier(
            configuration: VerifierConfiguration(
                jwksURL: URL(string: "https://auth.test/.well-known/jwks.json")!,
                issuer: ServiceFixture.issuer, audience: "sessions-api"),
            fetcher: JWKSFetcher(store: fixture.store))
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
            let forged = try await client.execute(
                uri: "/api/me", method: .get,
                headers: [.authorization: "Bearer " + tokens.accessToken.dropLast(4) + "AAAA"])
            #expect(forged.status == .unauthorized)
            #expect(forged.headers[.wwwAuthenticate]?.contains(#"error="invalid_token""#) == true)
            let good = try await client.execute(uri: "/api/me", method: .get, headers: [.authorization: "Bearer " + tokens.accessToken])
            #expect(good.status == .ok)
            #expect(String(buffer: good.body) == "alice")
        }
    }
}

/// Answers every request with the store's published JWKS (the feed's behaviour is the
/// SessionVerifier tests' concern).
struct JWKSFetcher: HTTPFetching {
    let store: any SessionStore

    func get(_ url: URL, headers: [String: String], timeout: Double, maxBytes: Int) async throws(HTTPFetchError) -> HTTPFetchResponse {
        guard let keys = try? store.signingKeys() else { throw HTTPFetchError("store unavailable") }
        return HTTPFetchResponse(status: 200, body: JSONWriter.bytes(KeyRing.publishedJWKS(keys)))
    }
}
