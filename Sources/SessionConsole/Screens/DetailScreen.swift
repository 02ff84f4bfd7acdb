import JOSE
import SessionCore
import TerminalUI

/// One session: its fields and its refresh family, a reused token highlighted.
struct DetailScreen {
    let theme: Theme

    func draw(_ state: ConsoleState, into buffer: inout CellBuffer) {
        guard let session = state.detail else { return }
        let sessionState = session.state(at: state.now)
        var y = 2
        let fields: [(String, String)] =
            [
                ("session", session.id), ("user", session.user), ("state", sessionState.rawValue),
                ("client", session.client), ("ip", session.ip), ("user agent", session.userAgent),
                ("created", "\(Timestamp.rfc3339(session.createdAt))  (\(Timestamp.relative(session.createdAt, now: state.now)))"),
                ("last used", "\(Timestamp.rfc3339(session.lastUsedAt))  (\(Timestamp.relative(session.lastUsedAt, now: state.now)))"),
                (
                    "expires",
                    "\(Timestamp.rfc3339(min(session.expiresAt, session.idleExpiresAt)))  (\(Timestamp.relative(min(session.expiresAt, session.idleExpiresAt), now: state.now)); absolute \(Timestamp.rfc3339(session.expiresAt)))"
                ),
                ("rotations", String(session.rotations)),
            ] + (session.revokedAt.map { [("revoked", "\(Timestamp.rfc3339($0)) by \(session.revokedBy ?? "?"): \(session.revokeReason ?? "")")] } ?? [])
        for (name, value) in fields {
            buffer.put(" " + DisplayWidth.pad(name, to: 11), x: 0, y: y, style: theme[.muted])
            buffer.put(
                value, x: 13, y: y, style: name == "state" || name == "revoked" ? theme.style(for: sessionState) : theme[.normal], maxWidth: state.width - 14)
            y += 1
        }
        y += 1
        buffer.put(" refresh family (oldest first; tokens shown by hash prefix)", x: 0, y: y, style: theme[.title])
        y += 1
        let table = Table([("TOKEN", 9), ("ISSUED", 20), ("IP", 0), ("SPENT", 20), ("NOTE", 24)], total: state.width, flexible: 2)
        table.draw(table.titles(), y: y, style: theme[.header], into: &buffer)
        y += 1
        for record in state.history.dropFirst(state.detailScroll) {
            guard y < state.height - 2 else { break }
            let reused = record.reusedAt != nil
            let cells = [
                record.label, Timestamp.rfc3339(record.issuedAt), record.issuedIP,
                record.spentAt.map(Timestamp.rfc3339) ?? "live", reused ? "⚠ REUSED \(Timestamp.relative(record.reusedAt!, now: state.now))" : "",
            ]
            table.draw(cells, y: y, style: reused ? theme[.danger] : (record.spentAt == nil ? theme[.active] : theme[.normal]), into: &buffer)
            y += 1
        }
    }
}
