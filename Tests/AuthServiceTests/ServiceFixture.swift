import AuthService
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SessionCore
import SessionStoreTesting
import JOSE
import Testing

/// An auth service over an in-memory store with one user (alice / correct horse) and one
/// client (reporting / s3cret), driven through HummingbirdTesting's router client.
final class ServiceFixture: Sendable {
    let store = InMemorySessionStore()
    let kek: KeyEncryptionKey
    let service: SessionService
    static let issuer = "https://auth.test"
    static let password = "correct horse"
    static let clientSecret = "s3cret-for-tests"

    let logger: Logger

    init(logger: Logger? = nil, configure: (inout ServiceConfiguration) -> Void = { _ in }) async throws {
        kek = try KeyEncryptionKey.load(
            environment: ["SESSION_KEK": Base64URL.encode(SecureRandom.bytes(32))],
            storePath: "/nonexistent", create: false
        ).key
        let cheap = PasswordHasher(logN: 10, r: 8, p: 1)
        let now = SystemClock.now()
        try store.addUser(
            UserRecord(name: "alice", passwordHash: cheap.hash(Self.password), createdAt: now),
            audit: AuditContext(actor: "test", reason: "", at: now))
        try store.addUser(
            UserRecord(name: "bob", passwordHash: cheap.hash(Self.password), createdAt: now),
            audit: AuditContext(actor: "test", reason: "", at: now))
        try store.addClient(
            ClientRecord(id: "reporting", secretHash: cheap.hash(Self.clientSecret), createdAt: now),
            audit: AuditContext(actor: "test", reason: "", at: now))
        var configuration = ServiceConfiguration(issuer: Self.issuer, refreshInterval: 0.05)
        configure(&configuration)
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        self.logger = logger ?? quiet
        service = try SessionService(store: store, kek: kek, configuration: configuration, logger: self.logger)
        try await service.prepareKeys()
    }

    /// Runs `body` with a test client of the whole application (upkeep included).
    func test<T: Sendable>(_ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        let app = buildApplication(service: service, address: ListenAddress(host: "127.0.0.1", port: 0), logger: logger)
        return try await app.test(.router, body)
    }
}

/// Request helpers.
extension TestClientProtocol {
    func postJSON(_ uri: String, _ json: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        var fields = headers
        fields[.contentType] = fields[.contentType] ?? "application/json"
        return try await execute(uri: uri, method: .post, headers: fields, body: ByteBuffer(string: json))
    }

    func postForm(_ uri: String, _ form: String, basic: (String, String)? = nil) async throws -> TestResponse {
        var fields: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let (id, secret) = basic {
            fields[.authorization] = "Basic " + Data("\(id):\(secret)".utf8).base64EncodedString()
        }
        return try await execute(uri: uri, method: .post, headers: fields, body: ByteBuffer(string: form))
    }

    func get(_ uri: String) async throws -> TestResponse {
        try await execute(uri: uri, method: .get)
    }

    /// Logs alice in; returns the JSON body.
    func login(_ user: String = "alice", extra: String = "") async throws -> JSONObject {
        let response = try await postJSON("/auth/login", #"{"username":"\#(user)","password":"\#(ServiceFixture.password)"\#(extra)}"#)
        #expect(response.status == .ok)
        return try response.json()
    }
}

extension TestResponse {
    /// The body as a JSON object (fails the test when it is not one).
    func json() throws -> JSONObject {
        try JSONReader.parseObject(Array(buffer: body))
    }

    /// The OAuth `error` code of an error body.
    var errorCode: String? { (try? json())?["error"]?.stringValue }
}

extension JSONObject {
    func string(_ name: String) -> String { self[name]?.stringValue ?? "" }
}
