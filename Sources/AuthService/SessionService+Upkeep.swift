import Foundation
import Logging
import SessionCore
import JOSE

/// Upkeep: signing keys prepared and reloaded, key retirement, feed pruning and login-attempt cleanup.
extension SessionService {
    /// Makes sure there is an active key and a published `next` key (so verifiers hold it
    /// before a rotation activates it), then loads them. A new key has `algorithm`, else
    /// the active key's (`Administration.freshKeyAlgorithm`).
    public func prepareKeys(algorithm: JWSAlgorithm? = nil) async throws(OAuthError) {
        let administration = Administration(store: store, kek: kek)
        let audit = AuditContext(actor: "sessiond", reason: "service start: signing keys needed", at: clock())
        try await withStore { _ throws(StoreError) in try administration.ensureSigningKeys(algorithm: algorithm, audit: audit) }
        try await reloadKeys()
    }

    /// Re-reads the signing keys when their kids or states changed (a cheap query each tick,
    /// whole records only on a change); a change is logged and counted.
    public func reloadKeys() async throws(OAuthError) {
        let states = try await withStore { store throws(StoreError) in try store.signingKeyStates() }
        if keys.isCurrent(states) { return }
        let records = try await withStore { store throws(StoreError) in try store.signingKeys() }
        do {
            if try keys.reload(records) {
                let snapshot = keys.current
                metrics.increment("sessiond_signing_key_reloads_total")
                metrics.set("sessiond_published_keys", Double(snapshot.publishedCount))
                logger.info("signing keys loaded", metadata: ["active": "\(snapshot.active?.kid ?? "none")"])
            }
        } catch {
            logger.error("cannot load the active signing key", metadata: ["error": "\(error)"])
            throw .store(error)
        }
    }

    /// One tick: keys and the feed's latest sequence.
    public func tick() async {
        try? await reloadKeys()
        try? await pollRevocations()
        if !unsettled.isEmpty { await settleLeftovers() }
    }

    /// Periodic housekeeping: retire keys past their horizon, drop dead feed events, keep a
    /// `next` key published, forget old login failures.
    public func housekeeping() async {
        let now = clock()
        do {
            let retired = try await withStore { store throws(StoreError) in try store.retireExpiredKeys(at: now) }
            if !retired.isEmpty { logger.info("retired signing keys", metadata: ["kids": "\(retired.joined(separator: ","))"]) }
            try await prepareKeys()
        } catch {
            logger.warning("housekeeping failed", metadata: ["error": "\(error.detail)"])
        }
        let before = configuration.loginLimits.windowStart(now: now)
        _ = try? await withStore { store throws(StoreError) in try store.pruneLoginAttempts(before: before) }
    }

    /// The published JWKS bytes.
    var publishedJWKS: [UInt8] { keys.current.published }
}
