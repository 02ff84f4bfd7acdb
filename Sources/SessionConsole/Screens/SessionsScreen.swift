import JOSE
import SessionCore
import TerminalUI

/// The sessions view: the table of the current page, sorted column marked, marks and selection.
struct SessionsScreen {
    let theme: Theme

    func draw(_ state: ConsoleState, into buffer: inout CellBuffer) {
        let table = Table(
            [
                (" ", 1), ("USER", 18), ("CLIENT", 7), ("IP", 16), ("USER AGENT", 0), ("CREATED", 11),
                ("LAST SEEN", 9), ("EXPIRES IN", 10), ("STATE", 7),
            ], total: state.width, flexible: 4)
        let sortedColumn = ["created": 5, "last_used": 6, "user": 1, "ip": 3, "client": 2, "user_agent": 4, "expires": 7, "state": 8][state.sort.rawValue] ?? 5
        table.draw(table.titles(sorted: sortedColumn, descending: state.sort.descending), y: 2, style: theme[.header], into: &buffer)
        if state.rows.isEmpty {
            buffer.put(
                state.filterText.isEmpty ? " no sessions in this store" : " no session matches \"\(state.filterText)\"",
                x: 0, y: 3, style: theme[.muted])
        }
        for (index, session) in state.rows.prefix(state.pageSize).enumerated() {
            let sessionState = session.state(at: state.now)
            let marked = state.marks.contains(session.id)
            let expires = min(session.expiresAt, session.idleExpiresAt)
            let cells = [
                marked ? "●" : " ", session.user, session.client, session.ip, session.userAgent,
                Timestamp.rfc3339(session.createdAt).prefix(16).replacingOccurrences(of: "T", with: " ").dropFirst(5).description,
                Timestamp.relative(session.lastUsedAt, now: state.now).replacingOccurrences(of: " ago", with: ""),
                sessionState == .active ? Timestamp.duration(expires - state.now) : "-", sessionState.rawValue,
            ]
            var style = theme.style(for: sessionState)
            if marked { style = theme[.marked] }
            if index == state.cursor { style = theme[.selection] }
            table.draw(cells, y: 3 + index, style: style, into: &buffer)
        }
        if !state.marks.isEmpty {
            buffer.put(" \(state.marks.count) marked ", x: state.width - 14, y: 2, style: theme[.marked])
        }
    }
}
