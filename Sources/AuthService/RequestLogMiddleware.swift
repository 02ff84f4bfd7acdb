import Hummingbird
import Logging

/// Counts and logs every request (method, route, status, duration: never headers, bodies
/// or query strings, which may carry tokens), and turns any error that is not already an
/// HTTP answer into an OAuth `server_error` instead of an empty 500.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = AuthRequestContext
    let metrics: ServiceMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let status: HTTPResponse.Status
        defer {
            let route = context.endpointPath ?? "unmatched"
            let elapsed = ContinuousClock.now - started
            metrics.increment("sessiond_http_requests_total", [("method", request.method.rawValue), ("route", route), ("status", String(status.code))])
            context.logger.debug(
                "request",
                metadata: [
                    "method": "\(request.method.rawValue)", "route": "\(route)", "status": "\(status.code)",
                    "ms": "\(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)",
                ])
        }
        do {
            let response = try await next(request, context)
            status = response.status
            return response
        } catch let error as any HTTPResponseError {
            status = error.status
            throw error
        } catch {
            status = .internalServerError
            context.logger.error("unhandled error", metadata: ["error": "\(type(of: error))"])
            throw OAuthError.serverError()
        }
    }
}
