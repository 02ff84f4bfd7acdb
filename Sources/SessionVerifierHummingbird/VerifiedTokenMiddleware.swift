import Foundation
import Hummingbird
import SessionCore
import JOSE
import SessionVerifier

/// A request context that can carry the verified access token.
public protocol AccessTokenRequestContext: RequestContext {
    /// Set by `VerifiedTokenMiddleware` before any handler behind it runs.
    var accessToken: AccessToken? { get set }
}

/// A ready-made context for services that need nothing else.
public struct VerifiedRequestContext: AccessTokenRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var accessToken: AccessToken?

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
    }
}

/// Refuses requests without a valid Bearer access token and puts the verified token into
/// the context. RFC 6750 answers: 401 with `WWW-Authenticate: Bearer error="invalid_token"`
/// (the reason code in `error_description`), or 503 when the verifier cannot decide (no
/// keys yet, or a stale revocation feed under fail-closed).
public struct VerifiedTokenMiddleware<Context: AccessTokenRequestContext>: RouterMiddleware {
    public let verifier: TokenVerifier
    private let realm: String

    public init(verifier: TokenVerifier, realm: String = "api") {
        self.verifier = verifier
        self.realm = realm
    }

    /// A middleware with its own verifier following `authServer` (JWKS, revocation feed,
    /// issuer), reporting itself as an instance of `service` so the auth service's console
    /// shows who follows it; the verifier starts at once, in the background.
    public init(
        authServer: URL, service: String, audience: String?, instance: String? = nil, clientCredentials: ClientCredentials? = nil,
        realm: String = "api"
    ) {
        let verifier = TokenVerifier(
            configuration: VerifierConfiguration(
                authServer: authServer, service: service, audience: audience, instance: instance, clientCredentials: clientCredentials))
        Task { await verifier.start() }
        self.init(verifier: verifier, realm: realm)
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            return Self.refusal(
                .unauthorized, wwwAuthenticate: "Bearer realm=\"\(realm)\"", code: "invalid_request",
                detail: "a Bearer access token is required")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            return Self.refusal(
                .unauthorized, wwwAuthenticate: "Bearer realm=\"\(realm)\", error=\"invalid_request\"",
                code: "invalid_request", detail: "Authorization must be a Bearer token")
        }
        do {
            var context = context
            context.accessToken = try await verifier.verify(String(parts[1]))
            return try await next(request, context)
        } catch let error as VerifierError {
            switch error {
            case .rejected(let rejection):
                context.logger.info("token refused", metadata: ["reason": "\(rejection.reason.rawValue)"])
                return Self.refusal(
                    .unauthorized,
                    wwwAuthenticate: "Bearer realm=\"\(realm)\", error=\"invalid_token\", error_description=\"\(rejection.reason.rawValue)\"",
                    code: "invalid_token", detail: rejection.reason.rawValue)
            case .unavailable(let why):
                context.logger.warning("token not verifiable now", metadata: ["why": "\(why)"])
                return Self.refusal(
                    .serviceUnavailable, wwwAuthenticate: nil, code: "temporarily_unavailable",
                    detail: "tokens cannot be verified right now")
            }
        }
    }

    private static func refusal(_ status: HTTPResponse.Status, wwwAuthenticate: String?, code: String, detail: String) -> Response {
        var headers: HTTPFields = [.contentType: "application/json", .cacheControl: "no-store"]
        if let wwwAuthenticate { headers[.wwwAuthenticate] = wwwAuthenticate }
        let body = JSONWriter.bytes(JSONObject(["error": .string(code), "error_description": .string(detail)]))
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
