/// The JWS algorithms the product signs and verifies (RFC 7518 §3, RFC 8037, RFC 9864).
///
/// `none` is deliberately absent: there is no way to ask for an unsigned token.
public enum JWSAlgorithm: String, Sendable, CaseIterable, Hashable {
    case hs256 = "HS256", hs384 = "HS384", hs512 = "HS512"
    case rs256 = "RS256", rs384 = "RS384", rs512 = "RS512"
    case ps256 = "PS256", ps384 = "PS384", ps512 = "PS512"
    case es256 = "ES256", es384 = "ES384", es512 = "ES512"
    case edDSA = "EdDSA"

    /// The algorithm a JOSE `alg` value names. `Ed25519` (RFC 9864) names the same
    /// algorithm as `EdDSA`; every other name must match exactly (JOSE names are case
    /// sensitive), so `none`, `None`, `hs256` and unknown names give nil.
    public init?(name: String) {
        if name == "Ed25519" {
            self = .edDSA
        } else if let algorithm = JWSAlgorithm(rawValue: name) {
            self = algorithm
        } else {
            return nil
        }
    }

    /// How the algorithm signs.
    public enum Family: Sendable, Equatable {
        case hmac
        case rsaPKCS1
        case rsaPSS
        case ecdsa(ECCurve)
        case eddsa
    }

    /// The algorithm's family (and, for ECDSA, its curve).
    public var family: Family {
        switch self {
        case .hs256, .hs384, .hs512: .hmac
        case .rs256, .rs384, .rs512: .rsaPKCS1
        case .ps256, .ps384, .ps512: .rsaPSS
        case .es256: .ecdsa(.p256)
        case .es384: .ecdsa(.p384)
        case .es512: .ecdsa(.p521)
        case .edDSA: .eddsa
        }
    }

    /// The hash the algorithm uses; nil for EdDSA, which hashes internally.
    public var hash: HashFunction? {
        switch self {
        case .hs256, .rs256, .ps256, .es256: .sha256
        case .hs384, .rs384, .ps384, .es384: .sha384
        case .hs512, .rs512, .ps512, .es512: .sha512
        case .edDSA: nil
        }
    }

    /// The JWK `kty` a key for this algorithm has.
    public var keyType: String {
        switch family {
        case .hmac: "oct"
        case .rsaPKCS1, .rsaPSS: "RSA"
        case .ecdsa: "EC"
        case .eddsa: "OKP"
        }
    }

    /// True for algorithms with a public half that may be published in a JWKS.
    public var isAsymmetric: Bool { family != .hmac }

    /// Parses a comma-separated list of algorithm names.
    public static func parseList(_ text: String) -> Result<[JWSAlgorithm], JOSEInputError> {
        var algorithms: [JWSAlgorithm] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = part.trimmingSpaces
            guard let algorithm = JWSAlgorithm(name: name) else {
                return .failure(JOSEInputError("unknown algorithm \"\(JSONWriter.escapeForMessage(name))\""))
            }
            algorithms.append(algorithm)
        }
        return .success(algorithms)
    }
}

extension Substring {
    /// The text without leading and trailing ASCII spaces and tabs.
    var trimmingSpaces: String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}

/// Bad input given to a JOSE operation by its caller (a JWK that is not JSON, a missing
/// member, an unknown algorithm name): the command-line maps it to exit 64.
///
/// `isInvalidKey` marks a key that is well-formed but mathematically unusable (an RSA
/// exponent of 1, an EC point off its curve, a small-order Ed25519 point): a verifier
/// reports tokens for such a key as `weak_key` instead of `unknown_kid`.
public struct JOSEInputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One line naming the problem.
    public let message: String
    /// True when the key was refused by `PublicKeyValidation` or OpenSSL's key check.
    public let isInvalidKey: Bool
    public init(_ message: String) {
        self.message = message
        self.isInvalidKey = false
    }
    /// An invalid key: `message` names the key type and the stable reason.
    public init(invalidKey message: String) {
        self.message = message
        self.isInvalidKey = true
    }
    public var description: String { message }
}
