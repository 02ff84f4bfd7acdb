import ArgumentParser
import AuthService
import Foundation
import Hummingbird
import Logging
import SessionCore
import SessionPostgres
import SessionSQLite

/// `sessiond`: the auth service. Every flag has an environment override (flag first, then
/// the variable, then the default): SESSIOND_DB, SESSIOND_HOST, SESSIOND_PORT, …
@main
struct SessionDaemon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessiond",
        abstract: "The auth service: logins, refresh rotation, JWKS and the revocation feed.",
        discussion: """
            Every option can also come from the environment: SESSIOND_DB, SESSIOND_HOST, SESSIOND_PORT, SESSIOND_ISSUER, \
            SESSIOND_AUDIENCE, SESSIOND_ACCESS_TTL, SESSIOND_REFRESH_TTL, SESSIOND_IDLE_TTL, SESSIOND_REUSE_GRACE, \
            SESSIOND_JWKS_MAX_AGE, SESSIOND_LOG_LEVEL, SESSIOND_IDLE_TIMEOUT, SESSIOND_BODY_TIMEOUT, SESSIOND_MAX_CONNECTIONS \
            (a flag wins over its variable). The key-encryption key comes from \
            SESSION_KEK or SESSION_KEK_FILE, else (SQLite only) <db>.kek; every instance on one PostgreSQL database needs the same one.
            Exit status: 0 after a clean shutdown, 64 for a bad option or an unusable store, 1 when the server fails.
            """,
        version: ProductVersion.current
    )

    @Option(help: ArgumentHelp("The store: a SQLite file (created when missing) or a postgres:// URI.", valueName: "PATH|URI")) var db: String?
    @Option(help: "Address to listen on (default 127.0.0.1).") var host: String?
    @Option(help: "Port (default 8080; 0 picks a free one and needs --issuer).") var port: Int?
    @Option(help: "iss of access tokens (default http://HOST:PORT).") var issuer: String?
    @Option(help: "aud of access tokens (default sessions-api).") var audience: String?
    @Option(name: .customLong("access-ttl"), help: "Access-token lifetime in seconds (default 300).") var accessTTL: Double?
    @Option(name: .customLong("refresh-ttl"), help: "Absolute session lifetime in seconds (default 30 days).") var refreshTTL: Double?
    @Option(name: .customLong("idle-ttl"), help: "Idle timeout in seconds (default 7 days).") var idleTTL: Double?
    @Option(name: .customLong("reuse-grace"), help: "Refresh reuse grace window in seconds, 0-60 (default 0: off).") var reuseGrace: Double?
    @Option(name: .customLong("jwks-max-age"), help: "Cache-Control max-age of the JWKS in seconds (default 60).") var jwksMaxAge: Int?
    @Option(name: .customLong("log-level"), help: "trace, debug, info (default), notice, warning, error.") var logLevel: String?
    @Option(name: .customLong("idle-timeout"), help: "Seconds a connection may take to send a request head, or sit idle between requests (default 10).")
    var idleTimeout: Double?
    @Option(name: .customLong("body-timeout"), help: "Seconds a request body may take to arrive; 408 after (default 10).") var bodyTimeout: Double?
    @Option(name: .customLong("max-connections"), help: "Open connections at most; more wait in the backlog (default 1000).") var maxConnections: Int?

    func run() async throws {
        // Logs on stderr: stdout carries only the "listening" line scripts wait for.
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        let environment = ProcessInfo.processInfo.environment
        func setting<T>(_ flag: T?, _ variable: String, _ parse: (String) -> T?, default fallback: T) throws -> T {
            if let flag { return flag }
            guard let text = environment[variable], !text.isEmpty else { return fallback }
            guard let value = parse(text) else { throw usage("\(variable)=\(text) is not valid") }
            return value
        }
        let path = try setting(db, "SESSIOND_DB", { $0 }, default: environment["SESSIONCTL_DB"] ?? "data/sessions.sqlite")
        let host = try setting(host, "SESSIOND_HOST", { $0 }, default: "127.0.0.1")
        let port = try setting(port, "SESSIOND_PORT", { Int($0) }, default: 8080)
        let audience = try setting(audience, "SESSIOND_AUDIENCE", { $0 }, default: "sessions-api")
        let accessTTL = try setting(accessTTL, "SESSIOND_ACCESS_TTL", { Double($0) }, default: 300)
        let refreshTTL = try setting(refreshTTL, "SESSIOND_REFRESH_TTL", { Double($0) }, default: 30 * 86_400)
        let idleTTL = try setting(idleTTL, "SESSIOND_IDLE_TTL", { Double($0) }, default: 7 * 86_400)
        let grace = try setting(reuseGrace, "SESSIOND_REUSE_GRACE", { Double($0) }, default: 0)
        let maxAge = try setting(jwksMaxAge, "SESSIOND_JWKS_MAX_AGE", { Int($0) }, default: 60)
        let levelName = try setting(logLevel, "SESSIOND_LOG_LEVEL", { $0 }, default: "info")
        let idle = try setting(idleTimeout, "SESSIOND_IDLE_TIMEOUT", { Double($0) }, default: 10)
        let bodyTime = try setting(bodyTimeout, "SESSIOND_BODY_TIMEOUT", { Double($0) }, default: 10)
        let connections = try setting(maxConnections, "SESSIOND_MAX_CONNECTIONS", { Int($0) }, default: 1_000)
        guard idle >= 0.1, idle <= 3_600 else { throw usage("--idle-timeout must be 0.1-3600 seconds") }
        guard bodyTime >= 0.1, bodyTime <= 3_600 else { throw usage("--body-timeout must be 0.1-3600 seconds") }
        guard (1...1_000_000).contains(connections) else { throw usage("--max-connections must be 1-1000000") }
        guard (0...65_535).contains(port) else { throw usage("--port must be 0-65535") }
        guard accessTTL >= 10, accessTTL <= 86_400 else { throw usage("--access-ttl must be 10-86400 seconds") }
        guard refreshTTL >= accessTTL, idleTTL > 0, idleTTL <= refreshTTL else {
            throw usage("need --access-ttl ≤ --refresh-ttl and 0 < --idle-ttl ≤ --refresh-ttl")
        }
        guard (0...60).contains(grace) else { throw usage("--reuse-grace must be 0-60 seconds") }
        guard maxAge >= 0, maxAge <= 86_400 else { throw usage("--jwks-max-age must be 0-86400 seconds") }
        guard let level = Logger.Level(rawValue: levelName) else { throw usage("--log-level \(levelName) is not a level") }
        let issuerURL = try setting(issuer, "SESSIOND_ISSUER", { $0 }, default: "http://\(host.contains(":") ? "[\(host)]" : host):\(port)")
        if port == 0, issuer == nil, environment["SESSIOND_ISSUER"] == nil { throw usage("--port 0 needs --issuer (the issuer names the port)") }

        var logger = Logger(label: "sessiond")
        logger.logLevel = level
        let store: any SessionStore
        let kek: KeyEncryptionKey
        let lifetimes = TokenLifetimes(maxAccessTokenLifetime: accessTTL, leeway: 60)
        let display: String
        do {
            if StoreAddress.isPostgres(path) {
                // Several instances on one database: the pool serves the store's worker threads.
                let location = try PostgresLocation(path)
                store = try PostgresSessionStore(location, lifetimes: lifetimes, connections: 10)
                display = location.display
            } else {
                // A busy writer: checkpoints on a thread of their own, so no commit waits for an fsync.
                store = try SQLiteSessionStore(path: path, create: true, lifetimes: lifetimes, checkpoints: .background(interval: 0.1))
                display = path
            }
            let (key, warning) = try KeyEncryptionKey.load(environment: environment, storePath: path, create: true)
            if let warning { logger.warning("\(warning)") }
            kek = key
        } catch {
            throw usage(error.description)
        }
        let configuration = ServiceConfiguration(
            issuer: issuerURL, audience: audience, accessTokenLifetime: accessTTL,
            refreshPolicy: RefreshPolicy(sessionLifetime: refreshTTL, idleTimeout: idleTTL, reuseGrace: grace),
            jwksMaxAge: maxAge,
            connectionLimits: ConnectionLimits(idleTimeout: idle, bodyTimeout: bodyTime, maxConnections: connections))
        let service = try SessionService(store: store, kek: kek, configuration: configuration, logger: logger)
        do {
            try await service.prepareKeys()
        } catch {
            throw usage("cannot prepare signing keys: \(error.detail)")
        }
        let app = buildApplication(service: service, address: ListenAddress(host: host, port: port), logger: logger) { bound in
            // One line on stdout that scripts and tests wait for.
            let line = "sessiond listening on http://\(host):\(bound) (issuer \(issuerURL), store \(display))\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
        try await app.runService()
    }

    private func usage(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        return ExitCode(64)
    }
}
