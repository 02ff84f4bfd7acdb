import AuthService
import Foundation
import Hummingbird
import HummingbirdTesting
import SessionCore
import JOSE
import Testing

@Suite("OAuth endpoints (RFC 7009, RFC 7662)")
struct OAuthEndpointTests {
    let credentials = ("reporting", ServiceFixture.clientSecret)

    @Test("introspection needs client credentials: none or wrong → 401 invalid_client with WWW-Authenticate")
    func clientAuthentication() async throws {
        let fixture = try await ServiceFixture()
        try await fixture.test { client in
            let none = try await client.postForm("/oauth/introspect", "token=x")
            #expect(none.status == .unauthorized)
            #expect(none.errorCode == "invalid_client")
            #expect(none.headers[.wwwAuthenticate]?.hasPrefix("Basic") == true)
            let wrong = try await client.postForm("/oauth/introspect", "token=x", basic: ("reporting", "wrong"))
            #expect(wrong.status == .unauthorized)
            let unknown = try await client.postForm("/oauth/introspect", "token=x", basic: ("nobody", "wrong"))
            #expect(unknown.status == .unauthorized)
            let posted = try await client.postForm("/oauth/introspect", "token=x&client_id=reporting&client_secret=\(ServiceFixture.clientSecret)")
            #expect(posted.status == .ok)
            let twice = try await client.postForm("/oauth/introspect", "token=x&client_secret=a", basic: credentials)
            #expect(twice.status == .badRequest)
        }
    }

    @Test("introspection: access and refresh tokens active with their claims; garbage and revoked inactive")
    func introspection() async throws {
        let fixture = try await ServiceFixture()
        try await fixture.test { client in
            let tokens = try await client.login()
            let access = try await client.postForm("/oauth/introspect", "token=\(tokens.string("access_token"))", basic: credentials).json()
            #expect(access["active"] == .bool(true))
            #expect(access.string("sub") == "alice")
            #expect(access.string("sid") == tokens.string("session_id"))
            #expect(access.string("token_type") == "Bearer")
            let refresh = try await client.postForm(
                "/oauth/introspect", "token=\(tokens.string("refresh_token"))&token_type_hint=refresh_token",
                basic: credentials
            ).json()
            #expect(refresh["active"] == .bool(true))
            #expect(refresh.string("token_type") == "refresh_token")
            let garbage = try await client.postForm("/oauth/introspect", "token=garbage", basic: credentials).json()
            #expect(garbage == JSONObject(["active": .bool(false)]))
            _ = try await client.execute(uri: "/auth/logout", method: .post, headers: [.authorization: "Bearer " + tokens.string("access_token")])
            let revoked = try await client.postForm("/oauth/introspect", "token=\(tokens.string("access_token"))", basic: credentials).json()
            #expect(revoked["active"] == .bool(false))
        }
    }

    @Test("revocation: an access token's jti enters the feed; a refresh token ends its session; unknown tokens are 200")
    func revocation() async throws {
        let fixture = try await ServiceFixture()
        try await fixture.test { client in
            let tokens = try await client.login()
            let revokeAccess = try await client.postForm(
                "/oauth/revoke", "token=\(tokens.string("access_token"))&token_type_hint=access_token",
                basic: credentials)
            #expect(revokeAccess.status == .ok)
            let feed = try await client.get("/revocations?after=0").json()
            let events = feed["events"]?.arrayValue ?? []
            #expect(events.contains { $0.objectValue?.string("kind") == "jti" })
            let introspected = try await client.postForm("/oauth/introspect", "token=\(tokens.string("access_token"))", basic: credentials).json()
            #expect(introspected["active"] == .bool(false))
            // The session itself is still alive until its refresh token is revoked.
            #expect(try fixture.store.session(id: tokens.string("session_id"))?.revokedAt == nil)
            let revokeRefresh = try await client.postForm("/oauth/revoke", "token=\(tokens.string("refresh_token"))", basic: credentials)
            #expect(revokeRefresh.status == .ok)
            #expect(try fixture.store.session(id: tokens.string("session_id"))?.revokedAt != nil)
            let unknown = try await client.postForm("/oauth/revoke", "token=whatever", basic: credentials)
            #expect(unknown.status == .ok)
            let audit = try fixture.store.auditEntries(limit: 20, before: nil)
            #expect(audit.contains { $0.actor == "client:reporting" })
        }
    }

    @Test("a wrong token_type_hint does not hide a token (RFC 7009 §2.1)")
    func wrongHint() async throws {
        let fixture = try await ServiceFixture()
        try await fixture.test { client in
            let tokens = try await client.login()
            let revoked = try await client.postForm(
                "/oauth/revoke", "token=\(tokens.string("refresh_token"))&token_type_hint=access_token",
                basic: credentials)
            #expect(revoked.status == .ok)
            #expect(try fixture.store.session(id: tokens.string("session_id"))?.revokedAt != nil)
        }
    }
}
