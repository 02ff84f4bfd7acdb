import AuthService
import Foundation
import Hummingbird
import HummingbirdTesting
import JOSE
import SessionCore
import Testing

/// sessiond records what verifiers report on their JWKS fetches and feed polls — bounded,
/// sanitised, throttled, and never at the cost of the request.
@Suite("verifier reports reach the registry")
struct VerifierRegistryServiceTests {
    static func header(_ service: String, _ instance: String, seq: Int64 = 0, kids: [String] = []) -> HTTPFields {
        let report = VerifierReport(service: service, instance: instance, feedSequence: seq, kids: kids, version: "0.5.0")!
        return [HTTPFields.Element.Name("Verifier-Report")!: report.headerValue]
    }

    /// Waits for the background write.
    static func eventually(_ condition: () throws -> Bool) async rethrows -> Bool {
        for _ in 0..<300 {
            if try condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    @Test("a feed poll and a JWKS fetch with a report are recorded; credentials make it verified")
    func recorded() async throws {
        let fixture = try await ServiceFixture()
        try await fixture.test { client in
            let poll = try await client.execute(uri: "/revocations?after=0", method: .get, headers: Self.header("orders", "pod-1", kids: ["k1"]))
            #expect(poll.status == .ok)
            #expect(try await Self.eventually { try fixture.store.verifiers().contains { $0.instance == "pod-1" } })
            let record = try #require(try fixture.store.verifiers().first { $0.instance == "pod-1" })
            #expect(record.service == "orders" && record.feedSequence == 0 && record.kids == ["k1"] && record.client == nil)

            var fields = Self.header("billing", "pod-2")
            fields[.authorization] = "Basic " + Data("reporting:\(ServiceFixture.clientSecret)".utf8).base64EncodedString()
            let jwks = try await client.execute(uri: "/.well-known/jwks.json", method: .get, headers: fields)
            #expect(jwks.status == .ok)
            #expect(try await Self.eventually { try fixture.store.verifiers().contains { $0.instance == "pod-2" && $0.client == "reporting" } })

            // Wrong credentials: still served, recorded as merely reported.
            var wrong = Self.header("billing", "pod-3")
            wrong[.authorization] = "Basic " + Data("reporting:wrong".utf8).base64EncodedString()
            #expect(try await client.execute(uri: "/.well-known/jwks.json", method: .get, headers: wrong).status == .ok)
            #expect(try await Self.eventually { try fixture.store.verifiers().contains { $0.instance == "pod-3" && $0.client == nil } })
        }
    }

    @Test("the verifier gauges: instances by state, each service's worst lag, live instances holding a revoked key")
    func gauges() async throws {
        let fixture = try await ServiceFixture()
        let now = SystemClock.now()
        try Administration(store: fixture.store, kek: fixture.kek).ensureSigningKeys(audit: AuditContext(actor: "t", reason: "t", at: now - 10))
        let keys = try fixture.store.signingKeys()
        // The waiting key is revoked; "a" still reports holding it.
        let leaked = try #require(keys.first { $0.state == .next }).kid
        try Administration(store: fixture.store, kek: fixture.kek).changeKeys(.revoke(leaked), audit: AuditContext(actor: "t", reason: "t", at: now - 5))
        let issued = try fixture.store.revocations(after: 0, limit: 10).count
        try fixture.store.revokeTokenID("jti-1", expiresAt: now + 60, audit: AuditContext(actor: "t", reason: "t", at: now - 3))
        try fixture.store.revokeTokenID("jti-2", expiresAt: now + 60, audit: AuditContext(actor: "t", reason: "t", at: now - 2))
        let head = try fixture.store.revocationHead()
        #expect(head == Int64(issued + 2))
        for (service, instance, seq, kids, at) in [
            ("orders", "a", head, keys.map(\.kid), now), ("orders", "b", head - 2, [String](), now), ("billing", "c", head, ["gone"], now),
            ("legacy", "d", Int64(0), [], now - 600),
        ] {
            let report = VerifierReport(service: service, instance: instance, feedSequence: seq, kids: kids, version: "1")!
            try fixture.store.recordVerifier(VerifierRecord(report, client: nil, address: "x", at: at))
        }
        await fixture.service.updateVerifierGauges()
        let text = fixture.service.metrics.render()
        #expect(text.contains("sessiond_verifiers{state=\"live\"} 3\n") && text.contains("sessiond_verifiers{state=\"silent\"} 1\n"))
        #expect(text.contains("sessiond_verifier_lag_events{service=\"orders\"} 2\n") && text.contains("sessiond_verifier_lag_events{service=\"billing\"} 0\n"))
        #expect(!text.contains("service=\"legacy\""))
        #expect(text.contains("sessiond_verifiers_holding_revoked_keys 1\n"))
        // A service that goes away leaves no series behind.
        _ = try fixture.store.forgetVerifiers(silentSince: now + 1)
        await fixture.service.updateVerifierGauges()
        #expect(!fixture.service.metrics.render().contains("service=\"orders\""))
    }

    @Test("malformed and oversized reports change nothing and the request is still answered")
    func malformed() async throws {
        let fixture = try await ServiceFixture()
        try await fixture.test { client in
            let huge = String(repeating: "A", count: 20_000)
            for value in ["", "%%%", huge, "eyJzZXJ2aWNlIjoiYSJ9"] {
                let response = try await client.execute(
                    uri: "/revocations?after=0", method: .get, headers: [HTTPFields.Element.Name("Verifier-Report")!: value])
                #expect(response.status == .ok)
            }
            try await Task.sleep(for: .milliseconds(200))
            #expect(try fixture.store.verifiers().isEmpty)
        }
    }

    @Test("a flood of made-up instances is cut to the newcomer budget; an unchanged report is not written again")
    func flood() async throws {
        let fixture = try await ServiceFixture()
        try await fixture.test { client in
            for index in 0..<300 {
                _ = try await client.execute(uri: "/revocations?after=0", method: .get, headers: Self.header("fake", "i-\(index)"))
            }
            try await Task.sleep(for: .milliseconds(300))
            let count = try fixture.store.verifiers().count
            #expect(count > 0 && count <= 50)
        }
    }
}
