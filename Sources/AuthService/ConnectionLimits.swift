import Hummingbird
import HummingbirdCore
import Logging
import Synchronization

/// What a slow or greedy client may hold of the server.
///
/// - A connection must deliver a complete request head within `idleTimeout` of opening (or
///   of its previous response), else it is closed: a slowloris client dripping header bytes
///   holds a socket for at most that long. The same bound closes idle keep-alive connections.
/// - Once the head is in, the body must arrive within `bodyTimeout` (408 otherwise).
/// - At most `maxConnections` are open at once; past that the server stops accepting (new
///   connections wait in the listen backlog) and says so in one log line.
public struct ConnectionLimits: Sendable, Equatable {
    public var idleTimeout: Double
    public var bodyTimeout: Double
    public var maxConnections: Int

    public init(idleTimeout: Double = 10, bodyTimeout: Double = 10, maxConnections: Int = 1_000) {
        self.idleTimeout = idleTimeout
        self.bodyTimeout = bodyTimeout
        self.maxConnections = maxConnections
    }
}

/// Counts open connections for Hummingbird's accept loop and logs once when the cap is
/// reached and once when connections are accepted again.
struct ConnectionCap: AvailableConnectionsDelegate {
    let limit: Int
    let logger: Logger
    private let state = SharedState()

    init(limit: Int, logger: Logger) {
        self.limit = limit
        self.logger = logger
    }

    /// The count lives in a class: the server's handler keeps a copy of this struct.
    private final class SharedState: Sendable {
        let open = Atomic<Int>(0)
        let full = Atomic<Bool>(false)
    }

    mutating func connectionOpened() {
        let open = state.open.add(1, ordering: .relaxed).newValue
        if open >= limit, !state.full.exchange(true, ordering: .relaxed) {
            logger.warning(
                "connection cap reached: \(open) open; new connections wait until one closes",
                metadata: ["max_connections": "\(limit)"])
        }
    }

    mutating func connectionClosed() {
        let open = state.open.subtract(1, ordering: .relaxed).newValue
        if open < limit, state.full.exchange(false, ordering: .relaxed) {
            logger.notice("accepting connections again", metadata: ["open": "\(open)"])
        }
    }

    func isAcceptingNewConnections() -> Bool {
        state.open.load(ordering: .relaxed) < limit
    }
}
