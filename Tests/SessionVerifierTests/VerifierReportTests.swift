import Foundation
import JOSE
import Logging
import SessionCore
import SessionVerifier
import Testing

/// What a verifier tells the auth service about itself on every request.
@Suite("SessionVerifier reports itself")
struct VerifierReportTests {
    let base = URL(string: "https://auth.test")!

    func verifier(_ fixture: VerifierFixture, _ fetcher: StubFetcher, service: String?, credentials: ClientCredentials? = nil) -> TokenVerifier {
        var quiet = Logger(label: "verifier")
        quiet.logLevel = .critical
        return TokenVerifier(
            configuration: VerifierConfiguration(
                jwksURL: base.appendingPathComponent(".well-known/jwks.json"), revocationFeedURL: base.appendingPathComponent("revocations"),
                issuer: VerifierFixture.issuer, audience: VerifierFixture.audience, feedWait: 1, service: service, instance: "pod-7",
                clientCredentials: credentials),
            fetcher: fetcher, logger: quiet)
    }

    /// Waits until `condition` holds (the follower runs in the background).
    func eventually(_ condition: () throws -> Bool) async rethrows -> Bool {
        for _ in 0..<200 {
            if try condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    @Test("feed polls and JWKS fetches carry the service, instance, feed position, kids and version")
    func reports() async throws {
        let fixture = try VerifierFixture()
        let fetcher = StubFetcher(store: fixture.store)
        let verifier = verifier(fixture, fetcher, service: "orders", credentials: ClientCredentials(id: "orders-svc", secret: "s3cret:/+"))
        await verifier.start()
        defer { verifier.stop() }
        let issued = try fixture.login()
        try fixture.store.revokeSessions(ids: [issued.sessionID], audit: AuditContext(actor: "t", reason: "t", at: SystemClock.now()))
        let head = try fixture.store.revocations(after: 0, limit: 100).last?.sequence ?? 0
        #expect(head > 0)
        let reported = await eventually {
            let header = fetcher.lastHeaders("/revocations")[VerifierReport.headerName] ?? ""
            return VerifierReport(headerValue: header)?.feedSequence == head
        }
        #expect(reported)
        let report = try #require(VerifierReport(headerValue: fetcher.lastHeaders("/revocations")[VerifierReport.headerName] ?? ""))
        #expect(report.service == "orders" && report.instance == "pod-7" && report.version == ProductVersion.current)
        let published = KeyRing.publishedJWKS(try fixture.store.signingKeys())
        guard case .array(let keys)? = published["keys"] else { Issue.record("no keys"); return }
        #expect(report.kids == keys.compactMap { $0.objectValue?["kid"]?.stringValue }.sorted())
        // The JWKS fetch carries a report too, and the credentials go as HTTP Basic.
        let jwksHeaders = fetcher.lastHeaders("/.well-known/jwks.json")
        #expect(VerifierReport(headerValue: jwksHeaders[VerifierReport.headerName] ?? "")?.service == "orders")
        let basic = try #require(jwksHeaders["Authorization"])
        #expect(basic.hasPrefix("Basic "))
        let decoded = String(decoding: Data(base64Encoded: String(basic.dropFirst(6))) ?? Data(), as: UTF8.self)
        #expect(decoded.split(separator: ":", maxSplits: 1).map { $0.removingPercentEncoding } == ["orders-svc", "s3cret:/+"])
        #expect(!"\(ClientCredentials(id: "orders-svc", secret: "s3cret"))".contains("s3cret"))
    }

    @Test("following an auth server: its JWKS, feed and issuer, and the service always named")
    func followingAuthServer() {
        let configuration = VerifierConfiguration(authServer: URL(string: "https://auth.test/")!, service: "orders", audience: "api")
        #expect(configuration.jwksURL.absoluteString == "https://auth.test/.well-known/jwks.json")
        #expect(configuration.revocationFeedURL?.absoluteString == "https://auth.test/revocations")
        #expect(configuration.issuer == "https://auth.test" && configuration.audience == "api" && configuration.service == "orders")
        #expect(configuration.instance == "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)")
    }

    @Test("without a service name nothing is reported")
    func silent() async throws {
        let fixture = try VerifierFixture()
        let fetcher = StubFetcher(store: fixture.store)
        let verifier = verifier(fixture, fetcher, service: nil)
        await verifier.synchronize()
        #expect(fetcher.lastHeaders("/revocations")[VerifierReport.headerName] == nil)
        #expect(fetcher.lastHeaders("/.well-known/jwks.json")["Authorization"] == nil)
        #expect(fetcher.lastHeaders("/.well-known/jwks.json")["User-Agent"]?.hasPrefix("session-verifier/") == true)
    }

    @Test("a key revocation from the feed refetches the keys, so the revoked kid is no longer held or reported")
    func revokedKeyDropped() async throws {
        let fixture = try VerifierFixture()
        let fetcher = StubFetcher(store: fixture.store)
        let verifier = verifier(fixture, fetcher, service: "orders")
        await verifier.start()
        defer { verifier.stop() }
        let active = try #require(try fixture.store.signingKeys().first { $0.state == .active })
        let fetchesBefore = fetcher.count("/.well-known/jwks.json")
        _ = try Administration(store: fixture.store, kek: fixture.kek)
            .changeKeys(.revoke(active.kid), audit: AuditContext(actor: "t", reason: "leaked", at: SystemClock.now()))
        let dropped = await eventually {
            guard let report = VerifierReport(headerValue: fetcher.lastHeaders("/revocations")[VerifierReport.headerName] ?? "") else { return false }
            return !report.kids.contains(active.kid) && report.feedSequence ?? 0 > 0
        }
        #expect(dropped)
        #expect(fetcher.count("/.well-known/jwks.json") > fetchesBefore)
    }
}
