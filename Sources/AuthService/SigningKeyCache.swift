import Foundation
import SessionCore
import JOSE

/// The store's signing keys as the service uses them: the active private key (unsealed
/// once per change), the published JWKS bytes, and every public key for introspection.
/// `reload` compares a fingerprint of kids and states, so a rotation made by `sessionctl`
/// is picked up on the next tick without a restart.
final class SigningKeyCache: @unchecked Sendable {
    struct Snapshot: Sendable {
        var active: JWSKey?
        var activeAlgorithm: JWSAlgorithm?
        var published: [UInt8]
        var publishedCount: Int
        var verification: JWKSet
        var records: [SigningKeyRecord]
    }

    private let lock = NSLock()
    private var snapshot = Snapshot(
        active: nil, activeAlgorithm: nil, published: Array(#"{"keys":[]}"#.utf8),
        publishedCount: 0, verification: JWKSet(keys: []), records: [])
    private var fingerprint = ""
    private let kek: KeyEncryptionKey

    init(kek: KeyEncryptionKey) { self.kek = kek }

    var current: Snapshot { lock.withLock { snapshot } }

    /// True when `states` are the kids and states of the keys already loaded.
    func isCurrent(_ states: [SigningKeyState]) -> Bool {
        let print = Self.fingerprint(states)
        return lock.withLock { print == fingerprint }
    }

    private static func fingerprint(_ states: [SigningKeyState]) -> String {
        states.map { "\($0.kid):\($0.state.rawValue)" }.joined(separator: ",")
    }

    /// Re-reads the keys; true when they changed. Throws when the active key cannot be unsealed.
    @discardableResult
    func reload(_ records: [SigningKeyRecord]) throws(StoreError) -> Bool {
        let print = Self.fingerprint(records.map { SigningKeyState(kid: $0.kid, state: $0.state) })
        if lock.withLock({ print == fingerprint }) { return false }
        var next = Snapshot(
            active: nil, activeAlgorithm: nil, published: [], publishedCount: 0,
            verification: KeyRing.verificationSet(records), records: records)
        if let record = records.first(where: { $0.state == .active }) {
            let key = try KeyRing.signingKey(record, kek: kek)
            next.active = key
            next.activeAlgorithm = JWSAlgorithm(rawValue: record.algorithm) ?? key.algorithm
        }
        next.published = JSONWriter.bytes(KeyRing.publishedJWKS(records))
        next.publishedCount = records.filter { $0.state.isPublished }.count
        lock.withLock {
            snapshot = next
            fingerprint = print
        }
        return true
    }
}
