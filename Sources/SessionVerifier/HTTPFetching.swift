import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One HTTP GET's answer.
public struct HTTPFetchResponse: Sendable {
    public var status: Int
    /// Header values by lower-cased name.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String] = [:], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Why a fetch failed.
public struct HTTPFetchError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// How the verifier reaches the auth service; tests substitute their own.
public protocol HTTPFetching: Sendable {
    /// GETs `url` with `headers`, refusing bodies larger than `maxBytes`.
    func get(_ url: URL, headers: [String: String], timeout: Double, maxBytes: Int) async throws(HTTPFetchError) -> HTTPFetchResponse
}

/// `HTTPFetching` over Foundation's URLSession: no cookies, no caches, no credentials.
public final class URLSessionFetcher: HTTPFetching {
    private let session: URLSession

    public init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        session = URLSession(configuration: configuration)
    }

    deinit { session.invalidateAndCancel() }

    public func get(_ url: URL, headers: [String: String], timeout: Double, maxBytes: Int) async throws(HTTPFetchError) -> HTTPFetchResponse {
        var request = URLRequest(url: url)
        request.timeoutInterval = timeout
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            throw HTTPFetchError("\(url.host ?? "server"): \(error.localizedDescription)")
        }
        guard let http = response as? HTTPURLResponse else { throw HTTPFetchError("\(url): not an HTTP response") }
        guard data.count <= maxBytes else { throw HTTPFetchError("\(url): body over \(maxBytes) bytes") }
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
        }
        return HTTPFetchResponse(status: http.statusCode, headers: headers, body: [UInt8](data))
    }
}
