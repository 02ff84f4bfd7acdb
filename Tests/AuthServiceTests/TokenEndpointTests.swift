import AuthService
import Foundation
import Hummingbird
import HummingbirdTesting
import SessionCore
import JOSE
import Testing

@Suite("token endpoints")
struct TokenEndpointTests {
    @Test("login returns an at+jwt access token with every claim, signed by the active key")
    func login() async throws {
        let fixture = try await ServiceFixture()
        try await fixture.test { client in
            let response = try await client.postJSON(
                "/auth/login", #"{"username":"alice","password":"correct horse","client_id":"mobile"}"#,
                headers: [.userAgent: "Mozilla/5.0 \u{202E}reversed\u{200B}"])
            #expect(response.status == .ok)
            #expect(response.headers[.cacheControl] == "no-store")
            let body = try response.json()
            #expect(body.string("token_type") == "Bearer")
            #expect(body["expires_in"]?.doubleValue == 300)
            #expect(body.string("refresh_token").count == 43)
            let jwks = try JWKSet(json: String(buffer: try await client.get("/.well-known/jwks.json").body))
            let verified = try JWSVerifier.verify(
                body.string("access_token"), keys: jwks,
                options: VerificationOptions(issuer: ServiceFixture.issuer, audience: "sessions-api", type: "at+jwt"),
                now: SystemClock.now())
            #expect(Set(verified.claims.names) == ["iss", "sub", "aud", "exp", "iat", "nbf", "jti", "sid", "client_id"])
            #expect(verified.claims.string("sub") == "alice")
            #expect(verified.claims.string("client_id") == "mobile")
            #expect(verified.claims.string("sid") == body.string("session_id"))
            let active = try fixture.store.signingKeys().first { $0.state == .active }
            #expect(verified.key.kid == active?.kid)
            // The stored session keeps a printable user agent, without bidi overrides or invisible characters.
            let session = try #require(try fixture.store.session(id: body.string("session_id")))
            #expect(session.userAgent == "Mozilla/5.0 reversed")
            #expect(session.client == "mobile")
        }
    }

    @Test("a wrong password and an unknown user get the same 401 invalid_grant")
    func badCredentials() async throws {
        let fixture = try await ServiceFixture()
        try await fixture.test { client in
            let wrong = try await client.postJSON("/auth/login", #"{"username":"alice","password":"nope"}"#)
            let unknown = try await client.postJSON("/auth/login", #"{"username":"mallory","password":"nope"}"#)
            #expect(wrong.status == .unauthorized)
            #expect(unknown.status == .unauthorized)
            #expect(wrong.errorCode == "invalid_grant")
            #expect(String(buffer: wrong.body) == String(buffer: unknown.body))
        }
    }

    @Test("a disabled user cannot log in")
    func disabledUser() async throws {
        let fixture = try await ServiceFixture()
        try fixture.store.setUserDisabled("alice", disabled: true, audit: AuditContext(actor: "t", reason: "t", at: 0))
        try await fixture.test { client in
            let response = try await client.postJSON("/auth/login", #"{"username":"alice","password":"correct horse"}"#)
            #expect(response.status == .unauthorized)
        }
    }

    @Test("failed logins are limited per user, then per address, even with the right password")
    func throttling() async throws {
        let fixture = try await ServiceFixture { $0.loginLimits = LoginLimits(perUser: 3, perAddress: 5, window: 300) }
        try await fixture.test { client in
            for _ in 0..<3 {
                #expect(try await client.postJSON("/auth/login", #"{"username":"alice","password":"x"}"#).status == .unauthorized)
            }
            let limited = try await client.postJSON("/auth/login", #"{"username":"alice","password":"correct horse"}"#)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] != nil)
            // bob is fine until the address has failed five times in all.
            #expect(try await client.postJSON("/auth/login", #"{"username":"bob","password":"x"}"#).status == .unauthorized)
            #expect(try await client.postJSON("/auth/login", #"{"username":"bob","password":"x"}"#).status == .unauthorized)
            #expect(try await client.postJSON("/auth/login", #"{"username":"bob","password":"correct horse"}"#).status == .tooManyRequests)
        }
    }

    @Test("a burst of 30 wrong passwords (and the right one) for one user: at most 5 are checked, the rest get 429")
    func burstForOneUser() async throws {
        let fixture = try await ServiceFixture()
        let statuses = try await fixture.test { client in
            try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<31 {
                    let password = index == 30 ? ServiceFixture.password : "wrong \(index)"
                    group.addTask { try await client.postJSON("/auth/login", #"{"username":"alice","password":"\#(password)"}"#).status }
                }
                var all: [HTTPResponse.Status] = []
                for try await status in group { all.append(status) }
                return all
            }
        }
        let checked = statuses.filter { $0 != .tooManyRequests }
        #expect(checked.count <= 5, "\(checked.count) passwords were checked")
        #expect(statuses.filter { $0 == .tooManyRequests }.count >= 26)
        #expect(statuses.allSatisfy { [.ok, .unauthorized, .tooManyRequests].contains($0) })
    }

    @Test("a burst of 40 unknown users from one address: at most 20 are checked, the rest get 429")
    func burstFromOneAddress() async throws {
        let fixture = try await ServiceFixture()
        let statuses = try await fixture.test { client in
            try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<40 {
                    group.addTask { try await client.postJSON("/auth/login", #"{"username":"nobody\#(index)","password":"x"}"#).status }
                }
                var all: [HTTPResponse.Status] = []
                for try await status in group { all.append(status) }
                return all
            }
        }
        #expect(statuses.filter { $0 == .unauthorized }.count <= 20)
        #expect(statuses.filter { $0 == .tooManyRequests }.count >= 20)
    }

    @Test("a login in the same second as the user's cutoff returns tokens that are not cut off")
    func loginAfterCutoff() async throws {
        let fixture = try await ServiceFixture()
        try await fixture.test { client in
            _ = try await client.login()
            try fixture.store.revokeUser("alice", audit: AuditContext(actor: "t", reason: "stolen", at: SystemClock.now()))
            let fresh = try await client.login()
            let token = fresh.string("access_token")
            let iat = try #require(try CompactJWS(token).claims()["iat"]?.doubleValue)
            #expect(try fixture.store.revocationVerdict(sessionID: nil, tokenID: nil, user: "alice", issuedAt: iat, kid: nil) == nil)
            let me = try await client.execute(
                uri: "/oauth/introspect", method: .post,
                headers: [
                    .contentType: "application/x-www-form-urlencoded",
                    .authorization: "Basic " + Data("reporting:\(ServiceFixture.clientSecret)".utf8).base64EncodedString(),
                ],
                body: ByteBuffer(string: "token=\(token)"))
            #expect(try me.json()["active"] == .bool(true))
        }
    }

    @Test("refresh rotates; the spent token presented again revokes the session and is audited")
    func refreshAndReuse() async throws {
        let fixture = try await ServiceFixture()
        try await fixture.test { client in
            let first = try await client.login()
            let rotated = try await client.postJSON("/auth/refresh", #"{"refresh_token":"\#(first.string("refresh_token"))"}"#)
            #expect(rotated.status == .ok)
            let second = try rotated.json()
            #expect(second.string("refresh_token") != first.string("refresh_token"))
            #expect(second.string("session_id") == first.string("session_id"))
            let reuse = try await client.postJSON("/auth/refresh", #"{"refresh_token":"\#(first.string("refresh_token"))"}"#)
            #expect(reuse.status == .unauthorized)
            #expect(reuse.errorCode == "invalid_grant")
            let sid = first.string("session_id")
            #expect(try fixture.store.session(id: sid)?.revokedAt != nil)
            #expect(try fixture.store.auditEntries(limit: 10, before: nil).contains { $0.action == .refreshReuse && $0.target == sid })
            // The live token of the revoked family is dead too.
            let after = try await client.postJSON("/auth/refresh", #"{"refresh_token":"\#(second.string("refresh_token"))"}"#)
            #expect(after.status == .unauthorized)
        }
    }

    @Test("inside the grace window a replay gets the same successor and nothing is revoked")
    func grace() async throws {
        let fixture = try await ServiceFixture { $0.refreshPolicy = RefreshPolicy(reuseGrace: 30) }
        try await fixture.test { client in
            let first = try await client.login()
            let body = #"{"refresh_token":"\#(first.string("refresh_token"))"}"#
            let a = try await client.postJSON("/auth/refresh", body).json()
            let b = try await client.postJSON("/auth/refresh", body).json()
            #expect(a.string("refresh_token") == b.string("refresh_token"))
            #expect(try fixture.store.session(id: first.string("session_id"))?.revokedAt == nil)
        }
    }

    @Test("cookie mode: HttpOnly; Secure; SameSite=Strict; Path=/auth, no refresh_token in the body, cookie-only refresh")
    func cookieMode() async throws {
        let fixture = try await ServiceFixture()
        try await fixture.test { client in
            let login = try await client.postJSON("/auth/login?cookie=1", #"{"username":"alice","password":"correct horse"}"#)
            #expect(login.status == .ok)
            #expect(try login.json()["refresh_token"] == nil)
            let cookie = try #require(login.headers[.setCookie])
            for attribute in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/auth"] { #expect(cookie.contains("; \(attribute)")) }
            let value = String(cookie.split(separator: ";")[0])
            #expect(value.hasPrefix("sessiond_refresh=") && value.count == "sessiond_refresh=".count + 43)
            let refreshed = try await client.execute(uri: "/auth/refresh", method: .post, headers: [.cookie: value])
            #expect(refreshed.status == .ok)
            #expect(try refreshed.json()["refresh_token"] == nil)
            let next = try #require(refreshed.headers[.setCookie])
            #expect(!next.hasPrefix(value + ";"))
            // The body flag works too.
            let flagged = try await client.postJSON("/auth/login", #"{"username":"bob","password":"correct horse","cookie":true}"#)
            #expect(flagged.headers[.setCookie] != nil)
        }
    }

    @Test("a garbage cookie is refused with 401 and cleared")
    func garbageCookie() async throws {
        let fixture = try await ServiceFixture()
        try await fixture.test { client in
            let response = try await client.execute(uri: "/auth/refresh", method: .post, headers: [.cookie: "sessiond_refresh=%00garbage"])
            #expect(response.status == .unauthorized)
            #expect(response.errorCode == "invalid_grant")
            #expect(response.headers[.setCookie]?.contains("Max-Age=0") == true)
        }
    }

    @Test("logout by Bearer token or by refresh token revokes the session; nothing valid is 401")
    func logout() async throws {
        let fixture = try await ServiceFixture()
        try await fixture.test { client in
            let a = try await client.login()
            let byBearer = try await client.execute(
                uri: "/auth/logout", method: .post,
                headers: [.authorization: "Bearer " + a.string("access_token")])
            #expect(byBearer.status == .noContent)
            #expect(try fixture.store.session(id: a.string("session_id"))?.revokedAt != nil)
            let b = try await client.login()
            let byRefresh = try await client.postJSON("/auth/logout", #"{"refresh_token":"\#(b.string("refresh_token"))"}"#)
            #expect(byRefresh.status == .noContent)
            #expect(try fixture.store.session(id: b.string("session_id"))?.revokedAt != nil)
            let nothing = try await client.execute(uri: "/auth/logout", method: .post)
            #expect(nothing.status == .unauthorized)
            #expect(nothing.errorCode == "invalid_token")
            // A revoked session's access token no longer logs out anything.
            let again = try await client.execute(
                uri: "/auth/logout", method: .post,
                headers: [.authorization: "Bearer " + a.string("access_token")])
            #expect(again.status == .unauthorized)
        }
    }

    @Test("a key rotated in the store signs the next login without a restart")
    func rotationWithoutRestart() async throws {
        let fixture = try await ServiceFixture()
        let fresh = try KeyRing.makeRecord(.es256, kek: fixture.kek, at: SystemClock.now())
        let newKid = try fixture.store.rotateSigningKeys(fresh: fresh, audit: AuditContext(actor: "t", reason: "t", at: SystemClock.now()))
        try await fixture.test { client in
            var kid = ""
            for _ in 0..<40 {
                let token = try await client.login().string("access_token")
                kid = try CompactJWS(token).keyID() ?? ""
                if kid == newKid { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(kid == newKid)
        }
    }
}
