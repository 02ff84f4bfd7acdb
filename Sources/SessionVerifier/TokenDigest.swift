import SessionCore
import JOSE

/// The verified-token cache's key: the SHA-256 of the token, so the cache never holds a token.
typealias TokenDigest = Digest256
