import Hummingbird
import Logging
import ServiceLifecycle
import SessionCore

/// Where the service listens.
public struct ListenAddress: Sendable {
    public var host: String
    public var port: Int
    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}

/// The router of every endpoint in DESIGN.md's HTTP contract.
public func buildRouter(service: SessionService) -> Router<AuthRequestContext> {
    let router = Router(context: AuthRequestContext.self)
    router.add(middleware: RequestLogMiddleware(metrics: service.metrics))
    AuthRoutes(service: service).register(on: router)
    OAuthRoutes(service: service).register(on: router)
    DiscoveryRoutes(service: service).register(on: router)
    return router
}

/// The whole service: the router, plus the upkeep loop (key reload and feed watch every
/// `refreshInterval`, housekeeping every minute), with the configuration's
/// `ConnectionLimits` on every connection. `onServerRunning` receives the bound port.
public func buildApplication(
    service: SessionService, address: ListenAddress, logger: Logger,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let limits = service.configuration.connectionLimits
    return Application(
        router: buildRouter(service: service),
        server: .http1(configuration: .init(idleTimeout: .milliseconds(Int64(limits.idleTimeout * 1000)))),
        configuration: ApplicationConfiguration(
            address: .hostname(address.host, port: address.port), serverName: "sessiond",
            availableConnectionsDelegate: ConnectionCap(limit: limits.maxConnections, logger: logger)),
        services: [UpkeepService(service: service)],
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? address.port) },
        logger: logger
    )
}

/// Keeps keys and the feed watcher current while the server runs.
struct UpkeepService: Service {
    let service: SessionService

    func run() async throws {
        // A store that announces revocations (PostgreSQL) wakes the feed's long polls at
        // once; the tick below still catches up by sequence, so a lost announcement only delays.
        let listener = (service.store as? any RevocationAnnouncing)?.announceRevocations { [service] in
            Task { try? await service.pollRevocations() }
        }
        defer { listener?.stop() }
        var lastHousekeeping = ContinuousClock.now
        var lastGauges = ContinuousClock.now - .seconds(60)
        let interval = Duration.milliseconds(Int(service.configuration.refreshInterval * 1000))
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await service.tick()
            if ContinuousClock.now - lastGauges > .seconds(Int(VerifierRegistry.refreshInterval)) {
                lastGauges = ContinuousClock.now
                await service.updateVerifierGauges()
            }
            if ContinuousClock.now - lastHousekeeping > .seconds(60) {
                lastHousekeeping = ContinuousClock.now
                await service.housekeeping()
            }
            try? await Task.sleep(for: interval)
        }
    }
}
