import JOSE
import SessionCore
import TerminalUI

/// The audit log, newest first; security events highlighted.
struct AuditScreen {
    let theme: Theme

    func draw(_ state: ConsoleState, into buffer: inout CellBuffer) {
        let table = Table([("AT", 19), ("ACTOR", 8), ("ACTION", 18), ("TARGET", 22), ("REASON", 0), ("DETAIL", 28)], total: state.width, flexible: 4)
        table.draw(table.titles(), y: 2, style: theme[.header], into: &buffer)
        let entries = state.visibleAudit
        let first = max(0, state.auditCursor - state.pageSize + 1)
        for (offset, entry) in entries.dropFirst(first).prefix(state.pageSize).enumerated() {
            let index = first + offset
            let cells = [
                Timestamp.rfc3339(entry.at).dropLast().replacingOccurrences(of: "T", with: " "), entry.actor, entry.action.rawValue, entry.target, entry.reason,
                entry.detail,
            ]
            let security = entry.action == .refreshReuse || entry.action == .verifyRevokedKey
            table.draw(
                cells, y: 3 + offset, style: index == state.auditCursor ? theme[.selection] : (security ? theme[.warning] : theme[.normal]), into: &buffer)
        }
        if !state.auditFilter.isEmpty {
            buffer.put(" filter: \(state.auditFilter) ", x: state.width - 30, y: 2, style: theme[.marked], maxWidth: 29)
        }
    }
}
