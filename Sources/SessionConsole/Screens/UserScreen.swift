import JOSE
import SessionCore
import TerminalUI

/// One user's whole picture: the account (disabled or not, cutoff), sessions by state, the
/// login throttle and recent failures, the most recently used sessions and the audit trail.
struct UserScreen {
    let theme: Theme

    /// The columns of the user's sessions (the user is the view's subject).
    static let columns: [SessionColumn] = [.client, .ip, .userAgent, .created, .lastSeen, .expires, .state, .id]

    func draw(_ state: ConsoleState, into buffer: inout CellBuffer) {
        guard let overview = state.userOverview else {
            buffer.put(" loading…", x: 0, y: 2, style: theme[.muted])
            return
        }
        drawSummary(overview, state, &buffer)
        // The rest: the sessions table above, the audit trail below, each at least a few rows.
        let top = 7
        let space = state.height - 2 - top
        let sessionRows = min(overview.recentSessions.count, max(3, (space - 3) / 2))
        drawSessions(overview, state, y: top, rows: max(1, sessionRows), &buffer)
        drawAudit(overview, state, y: top + max(1, sessionRows) + 2, bottom: state.height - 3, &buffer)
    }

    private func drawSummary(_ overview: UserOverview, _ state: ConsoleState, _ buffer: inout CellBuffer) {
        let x = buffer.put(" \(overview.name)  ", x: 0, y: 2, style: theme[.title])
        let account = overview.user == nil ? theme[.warning] : overview.user?.disabled == true ? theme[.danger] : theme[.normal]
        buffer.put(overview.accountLine, x: x, y: 2, style: account, maxWidth: state.width - x)
        let lines: [(String, String, Style)] = [
            ("sessions", overview.sessionsLine, overview.sessions.active > 0 ? theme[.active] : theme[.muted]),
            ("logins", overview.loginsLine, overview.logins.retryAfter != nil ? theme[.danger] : overview.logins.held > 0 ? theme[.warning] : theme[.normal]),
            ("failures", overview.failuresLine(now: state.now), overview.attempts.contains(where: \.failed) ? theme[.warning] : theme[.muted]),
        ]
        for (offset, (label, text, style)) in lines.enumerated() {
            let x = buffer.put(" " + DisplayWidth.pad(label, to: 9) + " ", x: 0, y: 3 + offset, style: theme[.muted])
            buffer.put(text, x: x, y: 3 + offset, style: style, maxWidth: state.width - x)
        }
    }

    private func drawSessions(_ overview: UserOverview, _ state: ConsoleState, y: Int, rows: Int, _ buffer: inout CellBuffer) {
        let columns = SessionColumn.fitting(Self.columns, width: state.width)
        let table = Table(columns.map { ($0.title, $0.width) }, total: state.width, flexible: columns.firstIndex { $0.width == 0 })
        table.draw(table.titles(), y: y, style: theme[.header], into: &buffer)
        if overview.recentSessions.isEmpty { buffer.put(" no sessions", x: 0, y: y + 1, style: theme[.muted]) }
        let first = max(0, state.userCursor - rows + 1)
        for (offset, session) in overview.recentSessions.dropFirst(first).prefix(rows).enumerated() {
            let style = first + offset == state.userCursor ? theme[.selection] : theme.style(for: session.state(at: state.now))
            table.draw(columns.map { $0.cell(session, now: state.now) }, y: y + 1 + offset, style: style, into: &buffer)
        }
    }

    private func drawAudit(_ overview: UserOverview, _ state: ConsoleState, y: Int, bottom: Int, _ buffer: inout CellBuffer) {
        guard y < bottom else { return }
        let table = Table([("AUDIT TRAIL", 19), ("ACTOR", 8), ("ACTION", 18), ("TARGET", 18), ("REASON", 0)], total: state.width, flexible: 4)
        table.draw(table.titles(), y: y, style: theme[.header], into: &buffer)
        if overview.audit.isEmpty { buffer.put(" nothing recorded about \(overview.name)", x: 0, y: y + 1, style: theme[.muted]) }
        for (offset, entry) in overview.audit.prefix(max(0, bottom - y)).enumerated() {
            let cells = [
                Timestamp.rfc3339(entry.at).dropLast().replacingOccurrences(of: "T", with: " "), entry.actor, entry.action.rawValue, entry.target,
                entry.reason,
            ]
            let security = entry.action == .refreshReuse || entry.action == .verifyRevokedKey || entry.action == .incident
            table.draw(cells, y: y + 1 + offset, style: security ? theme[.warning] : theme[.normal], into: &buffer)
        }
    }
}
