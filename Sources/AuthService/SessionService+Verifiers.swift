import Foundation
import SessionCore

/// The verifier registry, server side: what verifiers say about themselves on their JWKS
/// fetches and feed polls, recorded for the console and `sessionctl services`.
extension SessionService {
    /// Notes a `Verifier-Report` header from `address`, with the request's client credentials
    /// when it carried any. Never delays or fails the request it came with: a malformed or
    /// oversized report is ignored, credentials that do not check out make it "reported", and
    /// the store write happens in the background, only when `VerifierReports` says so.
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
