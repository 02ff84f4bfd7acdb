import Foundation
import SessionCore

/// The verifier registry, server side: what verifiers say about themselves on their JWKS
/// fetches and feed polls, recorded for the console and `sessionctl services`.
extension SessionService {
    /// Notes a `Verifier-Report` header from `address`, with the request's client credentials
    /// when it carried any. Never delays or fails the request it came with: a malformed or
    /// oversized report is ignored, credentials that do not check out make it "reported", and
    /// the store write happens in the background, only when `VerifierReports` says so.
    /// Sets the verifier gauges from the registry: instances by state, and per service the
    /// lag of its most lagging live instance. Called by the upkeep loop every few seconds,
    /// never by a scrape (so `/metrics` costs no store read).
    public func updateVerifierGauges() async {
        let now = clock()
        guard let statuses = try? await withStore({ store throws(StoreError) in try VerifierStatus.all(in: store, now: now, limit: 1_000) }) else { return }
        let live = statuses.filter { $0.liveness == .live }
        let byState: [(labels: [(String, String)], value: Double)] = [
            ([("state", "live")], Double(live.count)), ([("state", "silent")], Double(statuses.count - live.count)),
        ]
        metrics.replaceGauges("sessiond_verifiers", byState)
        var events: [String: Double] = [:]
        var seconds: [String: Double] = [:]
        for status in live {
            let service = status.record.service
            events[service] = max(events[service] ?? 0, Double(status.eventsBehind ?? 0))
            seconds[service] = max(seconds[service] ?? 0, status.secondsBehind ?? 0)
        }
        metrics.replaceGauges("sessiond_verifier_lag_events", events.map { ([("service", $0.key)], $0.value) })
        metrics.replaceGauges("sessiond_verifier_lag_seconds", seconds.map { ([("service", $0.key)], $0.value) })
        metrics.set("sessiond_verifiers_holding_revoked_keys", Double(live.filter { !$0.revokedKidsHeld.isEmpty }.count))
    }

    func noteVerifier(report headerValue: String?, credentials: (id: String, secret: String)?, address: String) {
        guard let headerValue, let report = VerifierReport(headerValue: headerValue) else { return }
        let now = clock()
        Task {
            var client: String?
            if let credentials { client = try? await self.authenticateClient(id: credentials.id, secret: credentials.secret, ip: address) }
            guard let record = self.verifierReports.admit(VerifierRecord(report, client: client, address: address, at: now)) else { return }
            do {
                try await self.withStore { store throws(StoreError) in try store.recordVerifier(record) }
            } catch {
                self.verifierReports.failed(record)
            }
        }
    }
}
