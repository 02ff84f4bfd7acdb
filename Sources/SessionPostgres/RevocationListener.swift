import Foundation
import SessionCore
import Synchronization

/// `LISTEN session_revocations` on a connection of its own, on a thread of its own: calls
/// `wake` for each batch of notifications, and after each (re)connection so that nothing
/// sent while it was disconnected goes unnoticed (the caller catches up by sequence).
final class RevocationListener: RevocationListening, @unchecked Sendable {
    private let conninfo: String
    private let wake: @Sendable () -> Void
    private let stopped = Atomic<Bool>(false)

    init(conninfo: String, wake: @escaping @Sendable () -> Void) {
        self.conninfo = conninfo
        self.wake = wake
        let thread = Thread { [self] in run() }
        thread.name = "postgres-listen"
        thread.start()
    }

    func stop() { stopped.store(true, ordering: .relaxed) }

    private func run() {
        var connection: PGConnection?
        while !stopped.load(ordering: .relaxed) {
            guard let live = connection, live.isHealthy else {
                connection = nil
                do {
                    let fresh = try PGConnection(conninfo: conninfo)
                    try fresh.listen(PostgresSchema.feedChannel)
                    connection = fresh
                    wake()  // catch up on whatever was committed while not listening
                } catch {
                    Thread.sleep(forTimeInterval: 0.5)
                }
                continue
            }
            var descriptor = pollfd(fd: live.socket, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 250) > 0 else { continue }
            do {
                if try !live.notifications().isEmpty, !stopped.load(ordering: .relaxed) { wake() }
            } catch {
                connection = nil
            }
        }
    }
}

extension PostgresSessionStore: RevocationAnnouncing {
    public func announceRevocations(_ wake: @escaping @Sendable () -> Void) -> any RevocationListening {
        RevocationListener(conninfo: location.conninfo, wake: wake)
    }
}
