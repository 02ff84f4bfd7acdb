import ArgumentParser
import Foundation
import Hummingbird
import Logging
import SessionCore
import JOSE
import SessionVerifier
import SessionVerifierHummingbird

/// `demo-api`: a tiny service protected by `VerifiedTokenMiddleware`, for the live demo and
/// the README. `GET /api/hello` and `GET /api/me` need a valid access token; `/healthz` does not.
@main
struct DemoAPI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-api",
        abstract: "A sample microservice that verifies sessiond's access tokens locally.",
        discussion: "Exit status: 0 after a clean shutdown, 64 for a bad option, 1 when the server fails.",
        version: ProductVersion.current
    )

    @Option(help: "sessiond's base URL (its issuer).") var authServer: String = "http://127.0.0.1:8080"
    @Option(help: "Address to listen on.") var host: String = "127.0.0.1"
    @Option(help: "Port.") var port: Int = 8081
    @Option(help: "Required aud.") var audience: String = "sessions-api"
    @Option(help: "Seconds the revocation feed may be unreachable before the stale policy applies.") var staleness: Double = 30
    @Option(help: "fail-closed (refuse tokens) or warn (keep going) when the feed is stale.") var stalePolicy: String = "fail-closed"
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error.") var logLevel: String = "info"
    @Option(help: "The service name this verifier reports to sessiond (shown by `sessionctl services list`).") var serviceName: String = "demo-api"
    @Option(help: "This instance's name among the service's (default: host name and process id).") var instance: String?
    @Option(help: "A client id to authenticate as, so sessiond shows this verifier as verified (secret in DEMO_API_CLIENT_SECRET).")
    var clientID: String?

    func run() async throws {
        // Logs on stderr: stdout carries only the "listening" line scripts wait for.
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        guard let base = URL(string: authServer), base.scheme == "http" || base.scheme == "https",
            let policy = StaleFeedPolicy(rawValue: stalePolicy), let level = Logger.Level(rawValue: logLevel)
        else {
            FileHandle.standardError.write(Data("error: --auth-server must be an http(s) URL, --stale-policy fail-closed or warn, --log-level a level\n".utf8))
            throw ExitCode(64)
        }
        var logger = Logger(label: "demo-api")
        logger.logLevel = level
        let secret = ProcessInfo.processInfo.environment["DEMO_API_CLIENT_SECRET"] ?? ""
        let credentials = clientID.map { ClientCredentials(id: $0, secret: secret) }
        let configuration = VerifierConfiguration(
            authServer: base, service: serviceName, audience: audience, instance: instance, clientCredentials: credentials,
            stalenessLimit: staleness, staleFeedPolicy: policy)
        let issuer = configuration.issuer ?? authServer
        let verifier = TokenVerifier(configuration: configuration, logger: logger)
        await verifier.start()

        let router = Router(context: VerifiedRequestContext.self)
        router.get("/healthz") { _, _ in "ok\n" }
        router.group("/api")
            .add(middleware: VerifiedTokenMiddleware(verifier: verifier))
            .get("/hello") { _, context -> Response in
                let user = context.accessToken?.subject ?? "?"
                return Self.json(JSONObject(["message": .string("hello, \(user)")]))
            }
            .get("/me") { _, context -> Response in
                var object = JSONObject()
                if let token = context.accessToken {
                    object["sub"] = .string(token.subject)
                    object["sid"] = token.sessionID.map { .string($0) } ?? .null
                    object["client_id"] = token.clientID.map { .string($0) } ?? .null
                    object["exp"] = .number(JSONNumber(token.expiresAt))
                }
                return Self.json(object)
            }
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "demo-api"),
            onServerRunning: { _ in
                FileHandle.standardOutput.write(Data("demo-api listening on http://\(host):\(port) (verifying tokens from \(issuer))\n".utf8))
            },
            logger: logger)
        try await app.runService()
        verifier.stop()
    }

    static func json(_ object: JSONObject) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONWriter.bytes(object))))
    }
}
