import AuthService
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SessionCore
import SessionStoreTesting
import Testing

@Suite("bad input gets a clear 4xx, never a 500")
struct BadInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let uri: String
        let contentType: String?
        let body: String
        let status: HTTPResponse.Status
        let error: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "malformed JSON", uri: "/auth/login", contentType: "application/json", body: #"{"username":"#, status: .badRequest, error: "invalid_request"),
        Case(name: "JSON array", uri: "/auth/login", contentType: "application/json", body: "[]", status: .badRequest, error: "invalid_request"),
        Case(
            name: "duplicate member", uri: "/auth/login", contentType: "application/json",
            body: #"{"username":"alice","username":"bob","password":"x"}"#, status: .badRequest, error: "invalid_request"),
        Case(
            name: "deep nesting", uri: "/auth/login", contentType: "application/json",
            body: String(repeating: "[", count: 5000), status: .badRequest, error: "invalid_request"),
        Case(
            name: "text/plain login (CSRF)", uri: "/auth/login", contentType: "text/plain",
            body: #"{"username":"alice","password":"correct horse"}"#, status: .unsupportedMediaType, error: "invalid_request"),
        Case(
            name: "form login", uri: "/auth/login", contentType: "application/x-www-form-urlencoded",
            body: "username=alice&password=x", status: .unsupportedMediaType, error: "invalid_request"),
        Case(
            name: "no content type", uri: "/auth/login", contentType: nil, body: #"{"username":"alice"}"#,
            status: .unsupportedMediaType, error: "invalid_request"),
        Case(
            name: "missing password", uri: "/auth/login", contentType: "application/json", body: #"{"username":"alice"}"#,
            status: .badRequest, error: "invalid_request"),
        Case(
            name: "password not a string", uri: "/auth/login", contentType: "application/json",
            body: #"{"username":"alice","password":12}"#, status: .badRequest, error: "invalid_request"),
        Case(
            name: "bad client_id", uri: "/auth/login", contentType: "application/json",
            body: #"{"username":"alice","password":"x","client_id":"a b\n"}"#, status: .badRequest, error: "invalid_request"),
        Case(
            name: "unknown grant", uri: "/auth/login", contentType: "application/json",
            body: #"{"grant_type":"client_credentials","username":"alice","password":"x"}"#, status: .badRequest, error: "unsupported_grant_type"),
        Case(
            name: "unknown grant on refresh", uri: "/auth/refresh", contentType: "application/json",
            body: #"{"grant_type":"password","refresh_token":"x"}"#, status: .badRequest, error: "unsupported_grant_type"),
        Case(
            name: "missing refresh token", uri: "/auth/refresh", contentType: "application/json", body: "{}",
            status: .badRequest, error: "invalid_request"),
        Case(
            name: "garbage refresh token", uri: "/auth/refresh", contentType: "application/json",
            body: #"{"refresh_token":"AAAA\u0000"}"#, status: .unauthorized, error: "invalid_grant"),
        Case(
            name: "well-formed unknown refresh token", uri: "/auth/refresh", contentType: "application/json",
            body: #"{"refresh_token":"\#(String(repeating: "A", count: 42))E"}"#, status: .unauthorized, error: "invalid_grant"),
        Case(
            name: "refresh token too long", uri: "/auth/refresh", contentType: "application/json",
            body: #"{"refresh_token":"\#(String(repeating: "A", count: 5000))"}"#, status: .badRequest, error: "invalid_request"),
        Case(
            name: "oversized body", uri: "/auth/login", contentType: "application/json",
            body: #"{"username":"\#(String(repeating: "a", count: 2 << 20))"}"#, status: .contentTooLarge, error: "invalid_request"),
        Case(
            name: "JSON introspection", uri: "/oauth/introspect", contentType: "application/json", body: #"{"token":"x"}"#,
            status: .unsupportedMediaType, error: "invalid_request"),
        Case(
            name: "repeated form parameter", uri: "/oauth/revoke", contentType: "application/x-www-form-urlencoded",
            body: "token=a&token=b", status: .badRequest, error: "invalid_request"),
        Case(
            name: "bad percent encoding", uri: "/oauth/revoke", contentType: "application/x-www-form-urlencoded",
            body: "token=%zz", status: .badRequest, error: "invalid_request"),
    ]

    @Test("refused with its status and OAuth error", arguments: cases)
    func refused(_ bad: Case) async throws {
        let fixture = try await ServiceFixture()
        try await fixture.test { client in
            var headers: HTTPFields = [:]
            if let type = bad.contentType { headers[.contentType] = type }
            let response = try await client.execute(uri: bad.uri, method: .post, headers: headers, body: ByteBuffer(string: bad.body))
            #expect(response.status == bad.status)
            #expect(response.errorCode == bad.error)
            #expect(response.headers[.contentType] == "application/json")
        }
    }

    @Test("random bytes to every endpoint never produce a 5xx")
    func noServerErrors() async throws {
        let fixture = try await ServiceFixture()
        var generator = SystemRandomNumberGenerator()
        let bodies: [[UInt8]] = (0..<40).map { _ in (0..<Int.random(in: 0..<300, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) } }
        try await fixture.test { client in
            for uri in ["/auth/login", "/auth/refresh", "/auth/logout", "/oauth/introspect", "/oauth/revoke"] {
                for body in bodies {
                    for type in ["application/json", "application/x-www-form-urlencoded", "text/plain"] {
                        let response = try await client.execute(
                            uri: uri, method: .post, headers: [.contentType: type, .cookie: "sessiond_refresh=\u{7F}x"],
                            body: ByteBuffer(bytes: body))
                        #expect(response.status.code < 500, "\(uri) \(type)")
                    }
                }
            }
        }
    }

    @Test("no password, refresh token or access token reaches the logs")
    func logsHoldNoSecrets() async throws {
        let recorder = LogRecorder()
        var logger = Logger(label: "recorded") { _ in RecordingHandler(recorder: recorder) }
        logger.logLevel = .trace
        let fixture = try await ServiceFixture(logger: logger)
        try await fixture.test { client in
            let tokens = try await client.login()
            let refreshed = try await client.postJSON("/auth/refresh", #"{"refresh_token":"\#(tokens.string("refresh_token"))"}"#).json()
            _ = try await client.postJSON("/auth/refresh", #"{"refresh_token":"\#(tokens.string("refresh_token"))"}"#)
            _ = try await client.postJSON("/auth/login", #"{"username":"alice","password":"wrong-secret-password"}"#)
            let lines = recorder.lines
            #expect(lines.count >= 3)
            for secret in [
                ServiceFixture.password, "wrong-secret-password", tokens.string("refresh_token"), tokens.string("access_token"),
                refreshed.string("refresh_token"), refreshed.string("access_token"),
            ] {
                #expect(!lines.contains { $0.contains(secret) })
            }
        }
    }
}
