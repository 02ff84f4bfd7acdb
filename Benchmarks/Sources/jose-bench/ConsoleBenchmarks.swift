import Foundation
import SessionConsole
import SessionCore
import JOSE
import SessionSQLite
import TerminalUI

/// The console through the headless backend: time to the first full frame, filter
/// keystroke → frame latency, and resident memory.
enum ConsoleBenchmarks {
    struct Result {
        let sessions: Int
        let firstFrameMilliseconds: Double
        let keystrokeP50: Double
        let keystrokeP95: Double
        let residentMegabytes: Double
    }

    static func run(store: any SessionStore, path: String, sessions: Int) -> Result {
        let clock = { Date().timeIntervalSince1970 }
        let backend = HeadlessBackend(width: 120, height: 40)
        let start = DispatchTime.now().uptimeNanoseconds
        let state = ConsoleState(width: 120, height: 40, now: clock(), readOnly: false, storeName: path, themeName: "default")
        let runner = EffectRunner(store: store, storePath: path, actor: "bench", environment: [:], themesFolder: "themes", clock: clock)
        let app = ConsoleApp(state: state, backend: backend, runner: runner, theme: Theme.fallback, monochrome: false, clock: clock)
        app.run(maxIdleTicks: 1)  // start effects, first frame, then stop (no input)
        let firstFrame = Double((backend.firstFrameAt ?? DispatchTime.now().uptimeNanoseconds) - start) / 1e6
        precondition(backend.frames >= 1 && !app.state.rows.isEmpty)

        // Type filters a person would type, one key at a time; each key costs a store query and a frame.
        var latencies: [Double] = []
        let user = app.state.rows[0].user
        // Every kind of term of the filter language, the bounded-scan ones (~, -, odd networks) included.
        let filters = [
            "user:\(user)", "user:=\(user)", "ip:203.0.113.", "ip:203.0.113.0/24", "ip:203.0.112.0/20", "ip:2001:db8::/32", "ali", "state:revoked",
            "client:ios", "-client:cli", "created<2h", "seen<10m", "expires<1d", "agent:~firefox", "zzz",
        ]
        for text in filters {
            app.dispatch(.terminal(TerminalEventBox(.key(.character("/")))))
            for character in text {
                let t0 = DispatchTime.now().uptimeNanoseconds
                app.dispatch(.terminal(TerminalEventBox(.key(.character(character)))))
                app.draw()
                latencies.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
            }
            app.dispatch(.terminal(TerminalEventBox(.key(.escape))))
        }
        return Result(
            sessions: sessions, firstFrameMilliseconds: firstFrame, keystrokeP50: percentile(latencies, 50),
            keystrokeP95: percentile(latencies, 95), residentMegabytes: residentMegabytes())
    }
}
