import AuthService
import Foundation
import Hummingbird
import HummingbirdTesting
import SessionCore
import JOSE
import Testing

@Suite("discovery, feed and operations")
struct DiscoveryTests {
    @Test("the JWKS holds next and active public keys only, with Cache-Control max-age")
    func jwks() async throws {
        let fixture = try await ServiceFixture { $0.jwksMaxAge = 120 }
        try await fixture.test { client in
            let response = try await client.get("/.well-known/jwks.json")
            #expect(response.status == .ok)
            #expect(response.headers[.cacheControl] == "public, max-age=120")
            let object = try response.json()
            let keys = object["keys"]?.arrayValue ?? []
            #expect(keys.count == 2)
            for key in keys.compactMap(\.objectValue) {
                #expect(Set(key.names).isDisjoint(with: ["d", "p", "q", "dp", "dq", "qi", "oth", "k"]))
            }
            let published = Set(keys.compactMap { $0.objectValue?.string("kid") })
            let expected = Set(try fixture.store.signingKeys().filter { $0.state == .next || $0.state == .active }.map(\.kid))
            #expect(published == expected)
        }
    }

    @Test("RFC 8414 metadata names the issuer, the JWKS and the OAuth endpoints")
    func metadata() async throws {
        let fixture = try await ServiceFixture()
        try await fixture.test { client in
            let object = try await client.get("/.well-known/oauth-authorization-server").json()
            #expect(object.string("issuer") == ServiceFixture.issuer)
            #expect(object.string("jwks_uri") == ServiceFixture.issuer + "/.well-known/jwks.json")
            #expect(object.string("revocation_endpoint") == ServiceFixture.issuer + "/oauth/revoke")
            #expect(object.string("introspection_endpoint") == ServiceFixture.issuer + "/oauth/introspect")
        }
    }

    @Test("the feed lists events after N with the next N; bad parameters are 400")
    func feed() async throws {
        let fixture = try await ServiceFixture()
        try await fixture.test { client in
            let empty = try await client.get("/revocations?after=0").json()
            #expect(empty["events"]?.arrayValue?.isEmpty == true)
            #expect(empty["next"]?.doubleValue == 0)
            let tokens = try await client.login()
            _ = try await client.execute(uri: "/auth/logout", method: .post, headers: [.authorization: "Bearer " + tokens.string("access_token")])
            let page = try await client.get("/revocations?after=0").json()
            let event = try #require(page["events"]?.arrayValue?.first?.objectValue)
            #expect(event.string("kind") == "session")
            #expect(event.string("id") == tokens.string("session_id"))
            #expect(Timestamp.parseRFC3339(event.string("at")) != nil)
            #expect(page["next"] == event["seq"])
            let after = try await client.get("/revocations?after=\(Int(page["next"]?.doubleValue ?? 0))").json()
            #expect(after["events"]?.arrayValue?.isEmpty == true)
            for bad in ["after=-1", "after=abc", "after=1&wait=x", "after=1&wait=-3", "after=99999999999999999999"] {
                let response = try await client.get("/revocations?\(bad)")
                #expect(response.status == .badRequest, "\(bad)")
                #expect(response.errorCode == "invalid_request")
            }
        }
    }

    @Test("a long-polling feed request returns within a second of a revocation made by another writer")
    func longPoll() async throws {
        let fixture = try await ServiceFixture()
        let tokens = try await fixture.service.login(username: "alice", password: ServiceFixture.password, clientID: nil, ip: "t", userAgent: "t")
        try await fixture.test { client in
            let store = fixture.store
            let revoker = Task {
                try await Task.sleep(for: .milliseconds(500))
                // As sessionctl would: straight into the store, not through the service.
                try store.revokeSessions(ids: [tokens.sessionID], audit: AuditContext(actor: "admin", reason: "test", at: SystemClock.now()))
                return ContinuousClock.now
            }
            let response = try await client.get("/revocations?after=0&wait=10")
            let answered = ContinuousClock.now
            let revokedAt = try await revoker.value
            let events = try response.json()["events"]?.arrayValue ?? []
            #expect(events.count == 1)
            #expect(answered - revokedAt < .seconds(1))
        }
    }

    @Test("healthz and Prometheus metrics")
    func operations() async throws {
        let fixture = try await ServiceFixture()
        try await fixture.test { client in
            #expect(try await client.get("/healthz").status == .ok)
            _ = try await client.login()
            _ = try await client.postJSON("/auth/login", #"{"username":"alice","password":"no"}"#)
            let metrics = try await client.get("/metrics")
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = String(buffer: metrics.body)
            #expect(text.contains(#"sessiond_logins_total{result="ok"} 1"#))
            #expect(text.contains(#"sessiond_logins_total{result="failed"} 1"#))
            #expect(text.contains("# TYPE sessiond_http_requests_total counter"))
        }
    }
}
