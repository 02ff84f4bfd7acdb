import Foundation
import SessionCore
import JOSE

/// Checks client credentials for the OAuth endpoints. Secrets are stored as scrypt hashes;
/// a success is remembered for five minutes by a keyed digest of id and secret, so a
/// service introspecting often does not pay scrypt per call. Unknown clients cost the same
/// scrypt as known ones.
final class ClientAuthenticator: @unchecked Sendable {
    private let lock = NSLock()
    private var recent: [[UInt8]: Double] = [:]
    private let cacheKey: HMACKey
    private let lifetime: Double = 300

    init() throws(CryptoError) {
        cacheKey = try HMACKey(secret: SecureRandom.bytes(32), hash: .sha256)
    }

    private func digest(_ id: String, _ secret: String) -> [UInt8] {
        cacheKey.mac(Array(id.utf8) + [0] + Array(secret.utf8))
    }

    /// True when `secret` was found to be the client's within the last five minutes.
    func remembers(id: String, secret: String, now: Double) -> Bool {
        let key = digest(id, secret)
        return lock.withLock { recent[key].map { $0 > now } ?? false }
    }

    /// True when `secret` is the client's, checking the cache first. `lookup` reads the store.
    func verify(id: String, secret: String, now: Double, lookup: () throws(StoreError) -> ClientRecord?) throws(StoreError) -> Bool {
        let key = digest(id, secret)
        if let until = lock.withLock({ recent[key] }), until > now { return true }
        guard let client = try lookup(), !client.secretHash.isEmpty else {
            return PasswordHasher.standard.verifyDummy(secret)
        }
        guard PasswordHasher.verify(secret, against: client.secretHash) else { return false }
        lock.withLock {
            if recent.count > 10_000 { recent = recent.filter { $0.value > now } }
            recent[key] = now + lifetime
        }
        return true
    }
}
