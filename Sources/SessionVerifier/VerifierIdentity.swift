import Foundation
import JOSE
import SessionCore

/// Client credentials a verifier presents with every JWKS fetch and feed poll (HTTP Basic),
/// so the auth service shows it as verified rather than merely reported. The secret is never
/// printed: `description` shows the id only.
public struct ClientCredentials: Sendable, CustomStringConvertible {
    public let id: String
    let secret: String

    public init(id: String, secret: String) {
        self.id = id
        self.secret = secret
    }

    public var description: String { "client \(id)" }

    /// `Authorization: Basic` per RFC 6749 §2.3.1 (form-encoded id and secret).
    var authorization: String {
        let encode = { (text: String) in text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text }
        return "Basic " + Data((encode(id) + ":" + encode(secret)).utf8).base64EncodedString()
    }
}

/// Who this verifier is and what it holds, for the headers of every request it makes:
/// `Verifier-Report` (service, instance, feed position, kids, version), `User-Agent`, and the
/// client credentials when configured. Updated by the key cache and the feed follower.
/// Thread-safe.
final class VerifierIdentity: @unchecked Sendable {
    private let service: String?
    private let instance: String
    private let credentials: ClientCredentials?
    private let lock = NSLock()
    private var feedSequence: Int64?
    private var kids: [String] = []

    init(configuration: VerifierConfiguration) {
        service = configuration.service
        instance = configuration.instance
        credentials = configuration.clientCredentials
        if configuration.revocationFeedURL != nil { feedSequence = 0 }
    }

    /// The feed position applied so far.
    func applied(feedSequence sequence: Int64) { lock.withLock { feedSequence = sequence } }

    /// The kids of the key set now held.
    func holds(kids held: [String]) { lock.withLock { kids = held } }

    /// The headers for the next request.
    var headers: [String: String] {
        var headers = ["User-Agent": "session-verifier/\(ProductVersion.current)"]
        if let credentials { headers["Authorization"] = credentials.authorization }
        let (sequence, held) = lock.withLock { (feedSequence, kids) }
        if let service,
            let report = VerifierReport(service: service, instance: instance, feedSequence: sequence, kids: held, version: ProductVersion.current)
        {
            headers[VerifierReport.headerName] = report.headerValue
        }
        return headers
    }

    /// Host name and process id: unique per process on a host.
    static var defaultInstance: String { "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)" }
}
