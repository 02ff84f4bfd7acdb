import JOSE
import SessionCore
import TerminalUI

/// The verifiers that follow this store: each instance's feed lag and keys, silent ones
/// faded, a revoked kid still held in red; below, each service's lag as a sparkline.
struct ServicesScreen {
    let theme: Theme

    func draw(_ state: ConsoleState, into buffer: inout CellBuffer) {
        let table = Table(
            [("SERVICE", 10), ("INSTANCE", 16), ("STATE", 6), ("FEED", 6), ("LAG", 0), ("KEYS", 16), ("CONTACT", 8), ("VERSION", 7), ("IDENTITY", 8)],
            total: state.width, flexible: 4)
        table.draw(table.titles(), y: 2, style: theme[.header], into: &buffer)
        let services = Array(state.lagHistory.keys).sorted()
        let sparkRows = min(services.count, 6)
        let rowsAvailable = max(1, state.height - 6 - (sparkRows > 0 ? sparkRows + 1 : 0))
        if state.verifiers.isEmpty {
            buffer.put(
                " no verifier has reported: services report through SessionVerifier (VerifierConfiguration.service) on every JWKS fetch and feed poll",
                x: 0, y: 3, style: theme[.muted], maxWidth: state.width)
        }
        let first = max(0, state.serviceCursor - rowsAvailable + 1)
        for (offset, status) in state.verifiers.dropFirst(first).prefix(rowsAvailable).enumerated() {
            let index = first + offset
            let record = status.record
            let cells = [
                record.service, record.instance, status.liveness.rawValue, record.feedSequence.map { "#\($0)" } ?? "-", status.lagText, status.keysText,
                Timestamp.relative(record.lastSeen, now: state.now), record.version, record.client == nil ? "reported" : "verified",
            ]
            let style: Style =
                index == state.serviceCursor
                ? theme[.selection]
                : !status.revokedKidsHeld.isEmpty
                    ? theme[.revoked] : status.liveness != .live ? theme[.expired] : (status.eventsBehind ?? 0) > 0 ? theme[.warning] : theme[.normal]
            table.draw(cells, y: 3 + offset, style: style, into: &buffer)
        }
        guard sparkRows > 0 else { return }
        let top = state.height - 3 - sparkRows
        buffer.put(" feed lag per service (events behind, one sample a second)", x: 0, y: top, style: theme[.muted])
        for (offset, service) in services.prefix(sparkRows).enumerated() {
            let samples = state.lagHistory[service] ?? []
            let label = " " + DisplayWidth.pad(DisplayWidth.truncate(service, to: 14), to: 14) + " "
            var x = buffer.put(label, x: 0, y: top + 1 + offset, style: theme[.normal])
            let width = max(8, state.width - x - 12)
            x = buffer.put(DisplayWidth.pad(Sparkline.render(samples, width: width), to: width), x: x, y: top + 1 + offset, style: theme[.spark])
            buffer.put(" now \(samples.last ?? 0)", x: x, y: top + 1 + offset, style: (samples.last ?? 0) > 0 ? theme[.warning] : theme[.muted])
        }
    }
}
