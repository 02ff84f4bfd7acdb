import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import SessionCore
import JOSE

/// A minimal JSON-over-HTTP client for the simulated users.
struct DemoHTTP: Sendable {
    let session: URLSession

    init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        configuration.timeoutIntervalForRequest = 5
        configuration.httpMaximumConnectionsPerHost = 64
        session = URLSession(configuration: configuration)
    }

    /// Status and JSON object (empty when the body is not one); status 0 when unreachable.
    func send(_ method: String, _ url: URL, json: JSONObject? = nil, bearer: String? = nil, userAgent: String) async -> (Int, JSONObject) {
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.setValue(userAgent, forHTTPHeaderField: "User-Agent")
        if let json {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(JSONWriter.bytes(json))
        }
        if let bearer { request.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization") }
        guard let (data, response) = try? await session.data(for: request), let http = response as? HTTPURLResponse else {
            return (0, JSONObject())
        }
        return (http.statusCode, (try? JSONReader.parseObject([UInt8](data))) ?? JSONObject())
    }
}
