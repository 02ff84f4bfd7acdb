import Hummingbird
import SessionCore
import JOSE

/// `/auth/login`, `/auth/refresh`, `/auth/logout`, with cookie mode.
struct AuthRoutes {
    let service: SessionService

    func register(on router: Router<AuthRequestContext>) {
        router.post("/auth/login") { request, context in try await login(request, context) }
        router.post("/auth/refresh") { request, context in try await refresh(request, context) }
        router.post("/auth/logout") { request, context in try await logout(request, context) }
    }

    private var limit: RequestInput.BodyLimit { service.configuration.bodyLimit }

    private func login(_ request: Request, _ context: AuthRequestContext) async throws(OAuthError) -> Response {
        let body = try await RequestInput.jsonObject(request, limit: limit, allowEmpty: false)
        try RequestInput.checkGrant(body, expected: "password")
        let username = try RequestInput.requiredString(body, "username", maxLength: 256)
        let password = try RequestInput.requiredString(body, "password", maxLength: 1024)
        let clientID = try RequestInput.string(body, "client_id", maxLength: 64)
        let cookieMode = try RequestInput.wantsCookie(request, body)
        let tokens = try await service.login(
            username: username, password: password, clientID: clientID, ip: context.clientIP,
            userAgent: RequestInput.userAgent(request))
        return respond(tokens, cookieMode: cookieMode)
    }

    private func refresh(_ request: Request, _ context: AuthRequestContext) async throws(OAuthError) -> Response {
        let body = try await RequestInput.jsonObject(request, limit: limit, allowEmpty: true)
        try RequestInput.checkGrant(body, expected: "refresh_token")
        let fromBody = try RequestInput.string(body, "refresh_token", maxLength: 256)
        let fromCookie = RequestInput.cookie(request, named: service.configuration.cookieName)
        guard let token = fromBody ?? fromCookie else {
            throw .invalidRequest("\"refresh_token\" is required (in the body or the refresh cookie)")
        }
        let askedForCookie = try RequestInput.wantsCookie(request, body)
        let cookieMode = fromBody == nil || askedForCookie
        do {
            let tokens = try await service.refresh(token: token, ip: context.clientIP)
            return respond(tokens, cookieMode: cookieMode)
        } catch {
            // A dead cookie is cleared so the browser stops presenting it.
            var failure = error
            if fromBody == nil, error.code == "invalid_grant" { failure.headers[.setCookie] = clearedCookie }
            throw failure
        }
    }

    private func logout(_ request: Request, _ context: AuthRequestContext) async throws(OAuthError) -> Response {
        let body = try await RequestInput.jsonObject(request, limit: limit, allowEmpty: true)
        let refresh =
            try RequestInput.string(body, "refresh_token", maxLength: 256)
            ?? RequestInput.cookie(request, named: service.configuration.cookieName)
        try await service.logout(accessToken: RequestInput.bearerToken(request), refreshToken: refresh)
        var headers: HTTPFields = [.cacheControl: "no-store"]
        if RequestInput.cookie(request, named: service.configuration.cookieName) != nil { headers[.setCookie] = clearedCookie }
        return Response(status: .noContent, headers: headers)
    }

    private func respond(_ tokens: IssuedTokens, cookieMode: Bool) -> Response {
        var headers: HTTPFields = [.cacheControl: "no-store"]
        if cookieMode {
            let maxAge = max(0, Int(tokens.sessionExpiresAt - SystemClock.now()))
            headers[.setCookie] = "\(service.configuration.cookieName)=\(tokens.refreshToken); HttpOnly; Secure; SameSite=Strict; Path=/auth; Max-Age=\(maxAge)"
        }
        return JSONResponse.make(tokens.json(includeRefreshToken: !cookieMode), headers: headers)
    }

    private var clearedCookie: String {
        "\(service.configuration.cookieName)=; HttpOnly; Secure; SameSite=Strict; Path=/auth; Max-Age=0"
    }
}
