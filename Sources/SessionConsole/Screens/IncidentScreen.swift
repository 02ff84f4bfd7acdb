import JOSE
import SessionCore
import TerminalUI

/// An incident's containment, live: what was done, each verifier instance waiting, applied
/// (with its time) or stale (with why), and the line that says whether it is contained.
struct IncidentScreen {
    let theme: Theme

    func draw(_ state: ConsoleState, into buffer: inout CellBuffer) {
        guard let act = state.incidentAct, let progress = state.containment else { return }
        buffer.put(" INCIDENT · \(act.incident.description) · reason: \(state.incidentReason)", x: 0, y: 2, style: theme[.danger], maxWidth: state.width)
        buffer.put(" done: \(act.summary)", x: 0, y: 3, style: theme[.normal], maxWidth: state.width)
        buffer.put(
            " every live verifier must apply feed #\(act.sequence)" + (act.incident.kid.map { " and drop \($0)" } ?? ""), x: 0, y: 4, style: theme[.muted],
            maxWidth: state.width)
        let table = Table(
            [("SERVICE / INSTANCE", 0), ("STATE", 8), ("APPLIED AFTER", 13), ("WHY NOT YET", 28), ("CONTACT", 9)], total: state.width, flexible: 0)
        table.draw(table.titles(), y: 6, style: theme[.header], into: &buffer)
        let rows = max(1, state.height - 12)
        for (offset, instance) in progress.instances.prefix(rows).enumerated() {
            let style: Style
            switch instance.state {
            case .applied: style = theme[.active]
            case .waiting: style = theme[.normal]
            case .stale: style = theme[.revoked]
            case .silent: style = theme[.expired]
            }
            let cells = [
                "\(instance.service)/\(instance.instance)", instance.state.rawValue,
                instance.appliedAfter.map { "\(Int(($0 * 1000).rounded())) ms" } ?? "-", instance.note, Timestamp.relative(instance.lastSeen, now: state.now),
            ]
            table.draw(cells, y: 7 + offset, style: style, into: &buffer)
        }
        if progress.instances.count > rows {
            buffer.put(" … and \(progress.instances.count - rows) more", x: 0, y: 7 + rows, style: theme[.muted])
        }
        let elapsed = max(0, state.now - progress.startedAt)
        let counted = max(1, progress.counted.count)
        let barWidth = max(10, state.width - 40)
        let filled = Int((Double(progress.applied) / Double(counted) * Double(barWidth)).rounded())
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: barWidth - filled)
        let y = state.height - 4
        var x = buffer.put(" \(bar) ", x: 0, y: y, style: progress.contained ? theme[.active] : theme[.warning])
        x = buffer.put("\(progress.applied)/\(progress.counted.count) applied · T+\(Timestamp.duration(elapsed))", x: x, y: y, style: theme[.muted])
        buffer.put(" " + progress.line, x: 0, y: y + 1, style: progress.contained ? theme[.active] : theme[.warning], maxWidth: state.width)
    }
}
