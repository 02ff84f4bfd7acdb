import SessionCore
import JOSE

/// Makes and recognises refresh tokens: 256 random bits, base64url (43 characters).
///
/// The store keeps only SHA-256 hashes. A rotation's successor is derived, not drawn:
/// `successor = HMAC-SHA256(K, presented)` with `K` derived from the key-encryption key,
/// so a replay inside the grace window gets the same successor back from any `sessiond`
/// sharing the store, and no one without the KEK can predict a successor.
public struct RefreshTokenMinter: Sendable {
    private let successorKey: HMACKey
    /// The length of every refresh token.
    public static let length = 43

    public init(kek: KeyEncryptionKey) throws(CryptoError) {
        let derivation = try HMACKey(secret: kek.bytes, hash: .sha256)
        successorKey = try HMACKey(secret: derivation.mac(Array("sessiond refresh-token successor v1".utf8)), hash: .sha256)
    }

    /// A fresh token for a new session.
    public func mint() -> String { Base64URL.encode(SecureRandom.bytes(32)) }

    /// The token a rotation of `presented` issues.
    public func successor(of presented: String) -> String {
        Base64URL.encode(successorKey.mac(Array(presented.utf8)))
    }

    /// What the store keeps.
    public static func hash(_ token: String) -> [UInt8] { HashFunction.sha256.hash(token) }

    /// True when `token` has the shape of a refresh token (so garbage never reaches the store).
    public static func isWellFormed(_ token: String) -> Bool {
        token.utf8.count == length && Base64URL.decode(token)?.count == 32
    }
}
