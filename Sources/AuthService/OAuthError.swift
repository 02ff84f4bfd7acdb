import Hummingbird
import SessionCore
import JOSE

/// An error answered in the OAuth shape (RFC 6749 §5.2):
/// `{"error":"…","error_description":"…"}`, with `Cache-Control: no-store`.
public struct OAuthError: Error, HTTPResponseError, Equatable {
    public let status: HTTPResponse.Status
    /// The RFC 6749 / 7009 / 6750 error code.
    public let code: String
    /// One line for people; never holds a secret.
    public let detail: String
    /// Extra headers (`WWW-Authenticate`, `Retry-After`, a cookie to clear).
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, _ code: String, _ detail: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = headers
    }

    public static func invalidRequest(_ detail: String) -> OAuthError { OAuthError(.badRequest, "invalid_request", detail) }
    public static func invalidGrant(_ detail: String) -> OAuthError { OAuthError(.unauthorized, "invalid_grant", detail) }
    public static func invalidClient(_ detail: String) -> OAuthError {
        OAuthError(.unauthorized, "invalid_client", detail, headers: [.wwwAuthenticate: "Basic realm=\"sessiond\""])
    }
    public static func invalidToken(_ detail: String) -> OAuthError {
        OAuthError(.unauthorized, "invalid_token", detail, headers: [.wwwAuthenticate: "Bearer error=\"invalid_token\""])
    }
    public static func unavailable(_ detail: String) -> OAuthError {
        OAuthError(.serviceUnavailable, "temporarily_unavailable", detail, headers: [.retryAfter: "1"])
    }
    public static func serverError() -> OAuthError { OAuthError(.internalServerError, "server_error", "internal error") }

    /// A store failure, as the client should see it: busy → 503, anything else → 500
    /// (logged by the caller, never shown).
    static func store(_ error: StoreError) -> OAuthError {
        if case .busy = error { return .unavailable("the store is busy; retry") }
        return .serverError()
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var fields = headers
        fields[.cacheControl] = "no-store"
        return JSONResponse.make(
            status: status, JSONObject(["error": .string(code), "error_description": .string(detail)]),
            headers: fields)
    }
}
