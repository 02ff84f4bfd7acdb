import ArgumentParser
import DemoTraffic
import Foundation
import SessionCore
import SessionDemo
import JOSE
import SessionSQLite

/// `sessionctl demo traffic --db P [--users N] [--port P] [--duration S]`: runs sessiond and
/// demo-api on the store and simulated users against them, until interrupted.
struct DemoTrafficCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "traffic",
        abstract: "Run sessiond, demo-api and simulated users on a store (stop with Ctrl-C).",
        discussion: """
            Starts sessiond on PORT and demo-api on PORT+1 (both on 127.0.0.1), adds the simulated users \
            (traffic.user01 …, password "\(DemoSeeder.password)") when the store lacks them, then logs them in, \
            refreshes and calls the API until interrupted or --duration ends, printing counts every second on stderr. \
            Open the console on the same store to watch (and revoke). Everything started is stopped on exit; \
            the services' logs go to <db>.demo.log.
            """
    )

    @OptionGroup var store: StoreOptions
    @Option(help: "Simulated users.") var users: Int = 12
    @Option(help: "sessiond's port; demo-api uses the next one.") var port: Int = 8080
    @Option(help: "Stop after this many seconds (default: run until interrupted).") var duration: Double?
    @Option(name: .customLong("access-ttl"), help: "Access-token lifetime for the demo, in seconds.") var accessTTL: Int = 60
    @Option(help: "sessiond instances on the store (ports PORT, PORT+2, …; a PostgreSQL store for more than one).") var instances: Int = 1
    @Option(help: ArgumentHelp("Where the services log (default: <db>.demo.log, or data/demo-cluster.log for PostgreSQL).", valueName: "FILE"))
    var log: String?

    func validate() throws {
        guard (1...500).contains(users) else { throw ValidationError("--users must be 1 to 500") }
        guard (1...65_534).contains(port) else { throw ValidationError("--port must be 1 to 65534") }
        guard (10...3_600).contains(accessTTL) else { throw ValidationError("--access-ttl must be 10 to 3600") }
        guard (1...4).contains(instances) else { throw ValidationError("--instances must be 1 to 4") }
        if instances > 1, !StoreAddress.isPostgres(store.resolvedPath) {
            throw ValidationError("several instances share one store on PostgreSQL: give --db postgres://…")
        }
    }

    func run() async throws {
        let path = store.resolvedPath
        let db = try store.open(create: true)
        let names = TrafficSimulator.userNames(count: users)
        try withStore { try TrafficSimulator.ensureUsers(names, store: db, now: SystemClock.now()) }
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().path
        let log = self.log ?? (StoreAddress.isPostgres(path) ? "data/demo-cluster.log" : path + ".demo.log")
        let auth = (0..<instances).map { "http://127.0.0.1:\(port + 2 * $0)" }
        var sessionds: [ChildProcess] = []
        let api: ChildProcess
        do {
            for (index, base) in auth.enumerated() {
                let instancePort = port + 2 * index
                let sessiond = try ChildProcess(
                    name: "sessiond", executable: folder + "/sessiond",
                    arguments: ["--db", path, "--port", String(instancePort), "--issuer", auth[0], "--access-ttl", String(accessTTL)],
                    logPath: log)
                sessionds.append(sessiond)
                guard sessiond.waitForLine(containing: "listening", timeout: 20) else {
                    sessionds.forEach { $0.stop() }
                    throw usageError("sessiond did not start on \(base); see \(log)")
                }
            }
            api = try ChildProcess(
                name: "demo-api", executable: folder + "/demo-api",
                arguments: ["--auth-server", auth[0], "--port", String(port + 1)], logPath: log)
            guard api.waitForLine(containing: "listening", timeout: 20) else {
                sessionds.forEach { $0.stop() }
                throw usageError("demo-api did not start on port \(port + 1); see \(log)")
            }
        } catch let error as ExitCode {
            throw error
        } catch {
            sessionds.forEach { $0.stop() }
            throw usageError("cannot start the demo services from \(folder): \(error)")
        }
        printError("sessiond on \(auth.joined(separator: ", ")), demo-api on http://127.0.0.1:\(port + 1); \(users) simulated users; logs in \(log)")
        let simulator = TrafficSimulator(
            authURLs: auth.compactMap { URL(string: $0) }, apiURL: URL(string: "http://127.0.0.1:\(port + 1)")!,
            users: names.map { ($0, DemoSeeder.password) })
        let traffic = Task { await simulator.run() }
        let stopSignal = SignalWaiter()
        let started = Date()
        let interactive = isatty(2) != 0
        while !stopSignal.received, duration.map({ Date().timeIntervalSince(started) < $0 }) ?? true,
            sessionds.allSatisfy(\.isRunning), api.isRunning
        {
            try? await Task.sleep(for: .seconds(1))
            let line = TrafficStats.line(simulator.stats.snapshot)
            if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8)) } else { printError(line) }
        }
        traffic.cancel()
        await traffic.value
        api.stop()
        sessionds.forEach { $0.stop() }
        if interactive { FileHandle.standardError.write(Data("\n".utf8)) }
        printError("stopped: " + TrafficStats.line(simulator.stats.snapshot))
    }
}

/// Notes SIGINT and SIGTERM instead of dying, so the demo can stop what it started.
final class SignalWaiter: @unchecked Sendable {
    private var sources: [any DispatchSourceSignal] = []
    private let lock = NSLock()
    private var flag = false

    init() {
        for signal in [SIGINT, SIGTERM] {
            Foundation.signal(signal, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signal, queue: .global())
            source.setEventHandler { [weak self] in self?.lock.withLock { self?.flag = true } }
            source.resume()
            sources.append(source)
        }
    }

    var received: Bool { lock.withLock { flag } }
}
