import SessionCore
import JOSE

/// Why `TokenVerifier.verify` did not accept a token.
public enum VerifierError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The token is bad (the JOSE core's reason codes, `revoked` included): answer 401.
    case rejected(TokenRejection)
    /// The verifier cannot decide right now (no keys yet, or the revocation feed is stale
    /// under `failClosed`): answer 503, the token may be fine.
    case unavailable(String)

    public var description: String {
        switch self {
        case .rejected(let rejection): "rejected: \(rejection)"
        case .unavailable(let why): "unavailable: \(why)"
        }
    }
}
