import Foundation
import Hummingbird
import SessionCore

/// RFC 7009 `/oauth/revoke` and RFC 7662 `/oauth/introspect`, for clients with credentials
/// (`client_secret_basic` or `client_secret_post`).
struct OAuthRoutes {
    let service: SessionService

    func register(on router: Router<AuthRequestContext>) {
        router.post("/oauth/introspect") { request, context in try await introspect(request, context) }
        router.post("/oauth/revoke") { request, context in try await revoke(request, context) }
    }

    private func introspect(_ request: Request, _ context: AuthRequestContext) async throws(OAuthError) -> Response {
        let (form, _) = try await authenticated(request, context)
        guard let token = form["token"], !token.isEmpty else { throw .invalidRequest("\"token\" is required") }
        let answer = try await service.introspect(token: token)
        return JSONResponse.make(answer, headers: [.cacheControl: "no-store"])
    }

    private func revoke(_ request: Request, _ context: AuthRequestContext) async throws(OAuthError) -> Response {
        let (form, client) = try await authenticated(request, context)
        guard let token = form["token"], !token.isEmpty else { throw .invalidRequest("\"token\" is required") }
        try await service.revoke(token: token, client: client)
        return Response(status: .ok, headers: [.cacheControl: "no-store"])
    }

    /// The form and the authenticated client id. Credentials come from HTTP Basic or the
    /// form, never both (RFC 6749 §2.3).
    private func authenticated(_ request: Request, _ context: AuthRequestContext) async throws(OAuthError) -> ([String: String], String) {
        let form = try await RequestInput.form(request, limit: service.configuration.bodyLimit)
        let basic = try Self.basicCredentials(request)
        let posted = form["client_id"].map { ($0, form["client_secret"] ?? "") }
        if basic != nil, form["client_secret"] != nil { throw .invalidRequest("client credentials given twice") }
        guard let (id, secret) = basic ?? posted, !id.isEmpty, id.utf8.count <= 128, secret.utf8.count <= 1024 else {
            throw .invalidClient("client authentication is required")
        }
        let client = try await service.authenticateClient(id: id, secret: secret, ip: context.clientIP)
        return (form, client)
    }

    /// `Authorization: Basic` with form-encoded id and secret (RFC 6749 §2.3.1), or nil.
    static func basicCredentials(_ request: Request) throws(OAuthError) -> (String, String)? {
        guard let value = request.headers[.authorization] else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic" else { return nil }
        guard let data = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
            let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":"),
            let id = String(text[..<colon]).removingPercentEncoding,
            let secret = String(text[text.index(after: colon)...]).removingPercentEncoding
        else { throw .invalidClient("malformed Basic credentials") }
        return (id, secret)
    }
}
