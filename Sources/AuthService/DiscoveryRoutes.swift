import Hummingbird
import SessionCore
import JOSE

/// The JWKS, RFC 8414 metadata, the revocation feed, `/healthz` and `/metrics`.
struct DiscoveryRoutes {
    let service: SessionService

    func register(on router: Router<AuthRequestContext>) {
        router.get("/.well-known/jwks.json") { request, context in
            noteVerifier(request, context)
            return jwks()
        }
        router.get("/.well-known/oauth-authorization-server") { _, _ in metadata() }
        router.get("/revocations") { request, context in
            noteVerifier(request, context)
            return try await revocations(request)
        }
        router.get("/healthz") { _, _ in health() }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: service.metrics.render())))
        }
    }

    private static let reportHeader = HTTPFields.Element.Name(VerifierReport.headerName)!

    /// A verifier's report, when the request carries one (`SessionService.noteVerifier`).
    private func noteVerifier(_ request: Request, _ context: AuthRequestContext) {
        guard let header = request.headers[Self.reportHeader] else { return }
        let credentials = (try? OAuthRoutes.basicCredentials(request)).flatMap { $0 }
        service.noteVerifier(report: header, credentials: credentials.map { (id: $0.0, secret: $0.1) }, address: context.clientIP)
    }

    private func jwks() -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "application/jwk-set+json", .cacheControl: "public, max-age=\(service.configuration.jwksMaxAge)"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: service.publishedJWKS)))
    }

    private func metadata() -> Response {
        let issuer = service.configuration.issuer
        let methods: JSONValue = .array([.string("client_secret_basic"), .string("client_secret_post")])
        let algorithms = Set(service.keys.current.records.filter { $0.state.isPublished }.map(\.algorithm)).sorted()
        var object = JSONObject()
        object["issuer"] = .string(issuer)
        object["jwks_uri"] = .string(service.configuration.jwksURI)
        object["token_endpoint"] = .string(issuer + "/auth/refresh")
        object["revocation_endpoint"] = .string(issuer + "/oauth/revoke")
        object["revocation_endpoint_auth_methods_supported"] = methods
        object["introspection_endpoint"] = .string(issuer + "/oauth/introspect")
        object["introspection_endpoint_auth_methods_supported"] = methods
        object["grant_types_supported"] = .array([.string("password"), .string("refresh_token")])
        object["response_types_supported"] = .array([])
        object["token_endpoint_auth_methods_supported"] = .array([.string("none")])
        object["access_token_signing_alg_values_supported"] = .array(algorithms.map { .string($0) })
        object["login_endpoint"] = .string(issuer + "/auth/login")
        object["logout_endpoint"] = .string(issuer + "/auth/logout")
        object["revocation_feed_endpoint"] = .string(issuer + "/revocations")
        return JSONResponse.make(object, headers: [.cacheControl: "public, max-age=300"])
    }

    private func revocations(_ request: Request) async throws(OAuthError) -> Response {
        let query = request.uri.queryParameters
        let afterText = query.get("after") ?? "0"
        guard let after = Int64(afterText), after >= 0 else { throw .invalidRequest("\"after\" must be a sequence number ≥ 0") }
        var wait = 0.0
        if let waitText = query.get("wait") {
            guard let seconds = Double(waitText), seconds.isFinite, seconds >= 0 else {
                throw .invalidRequest("\"wait\" must be a number of seconds ≥ 0")
            }
            wait = min(seconds, service.configuration.maxFeedWait)
        }
        let page = try await service.revocations(after: after, wait: wait)
        return JSONResponse.make(page.json, headers: [.cacheControl: "no-store"])
    }

    /// 200 `{"status":"ok"}` while the store answers; 503 `{"status":"unavailable",
    /// "store":"unavailable since …"}` (with `Retry-After`) while it does not. The JWKS is
    /// served from memory either way.
    private func health() -> Response {
        let status = service.storeHealth.status
        if status.healthy {
            return JSONResponse.make(JSONObject(["status": .string("ok"), "store": .string("ok")]), headers: [.cacheControl: "no-store"])
        }
        var response = JSONResponse.make(
            JSONObject(["status": .string("unavailable"), "store": .string("unavailable since \(Timestamp.rfc3339(status.since))")]),
            headers: [.cacheControl: "no-store", .retryAfter: "1"])
        response.status = .serviceUnavailable
        return response
    }
}
