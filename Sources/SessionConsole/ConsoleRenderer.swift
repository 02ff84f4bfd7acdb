import SessionCore
import JOSE
import TerminalUI

/// Draws a `ConsoleState` into a cell buffer: title and activity lines, the view, the
/// prompt or status line, and the hint bar built from the key bindings. No I/O.
public struct ConsoleRenderer {
    public let theme: Theme

    public init(theme: Theme) { self.theme = theme }

    public static let minimumSize = (width: 80, height: 24)

    public func render(_ state: ConsoleState) -> CellBuffer {
        var buffer = CellBuffer(width: state.width, height: state.height)
        for y in 0..<state.height { buffer.fill(y: y, style: theme[.normal]) }
        guard state.width >= Self.minimumSize.width, state.height >= Self.minimumSize.height else {
            buffer.put("sessionctl console needs at least 80×24;", x: 0, y: 0, style: theme[.warning])
            buffer.put("this terminal is \(state.width)×\(state.height).", x: 0, y: 1, style: theme[.warning])
            buffer.put("Enlarge the window, or press q to quit.", x: 0, y: 2, style: theme[.normal])
            return buffer
        }
        drawTitle(state, &buffer)
        switch state.view {
        case .sessions: SessionsScreen(theme: theme).draw(state, into: &buffer)
        case .detail: DetailScreen(theme: theme).draw(state, into: &buffer)
        case .user: UserScreen(theme: theme).draw(state, into: &buffer)
        case .inspector: InspectorScreen(theme: theme).draw(state, into: &buffer)
        case .keys: KeysScreen(theme: theme).draw(state, into: &buffer)
        case .audit: AuditScreen(theme: theme).draw(state, into: &buffer)
        case .services: ServicesScreen(theme: theme).draw(state, into: &buffer)
        case .incident: IncidentScreen(theme: theme).draw(state, into: &buffer)
        case .columns: ColumnsScreen(theme: theme).draw(state, into: &buffer)
        case .help: HelpScreen(theme: theme).draw(state, into: &buffer)
        }
        drawBottom(state, &buffer)
        return buffer
    }

    // MARK: Frame

    private func drawTitle(_ state: ConsoleState, _ buffer: inout CellBuffer) {
        buffer.fill(y: 0, style: theme[.title])
        var title = " sessionctl · \(state.view.rawValue)"
        if state.readOnly { title += " · READ-ONLY" }
        title += " · \(state.storeName)"
        var countsText = ""
        if let counts = state.counts {
            let about = counts.estimated ? "≈" : ""
            countsText =
                "active \(about)\(counts.active) · revoked today \(counts.revokedToday) · expiring 1h \(counts.expiringWithinHour) · total \(about)\(counts.total) "
        }
        if let counts = state.counts, DisplayWidth.of(title) + DisplayWidth.of(countsText) + 2 > state.width {
            countsText = "\(counts.active) active · \(counts.revokedToday) revoked today · \(counts.expiringWithinHour) expire 1h "
        }
        let countsWidth = DisplayWidth.of(countsText)
        buffer.put(DisplayWidth.truncate(title, to: max(10, state.width - countsWidth - 2)), x: 0, y: 0, style: theme[.title])
        buffer.put(countsText, x: max(0, state.width - countsWidth), y: 0, style: theme[.title])
        if let activity = state.activity {
            // Three pictures of the last hour, per minute: logins, refreshes, revocations.
            let third = max(4, (state.width - 40) / 3)
            var x = buffer.put(" logins ", x: 0, y: 1, style: theme[.muted])
            x = buffer.put(DisplayWidth.pad(Sparkline.render(activity.logins, width: third), to: third), x: x, y: 1, style: theme[.spark])
            x = buffer.put("  refreshes ", x: x, y: 1, style: theme[.muted])
            x = buffer.put(DisplayWidth.pad(Sparkline.render(activity.refreshes, width: third), to: third), x: x, y: 1, style: theme[.active])
            x = buffer.put("  revocations ", x: x, y: 1, style: theme[.muted])
            buffer.put(Sparkline.render(activity.revocations, width: third), x: x, y: 1, style: theme[.revoked])
            buffer.put("/min", x: state.width - 5, y: 1, style: theme[.muted])
        }
    }

    private func drawBottom(_ state: ConsoleState, _ buffer: inout CellBuffer) {
        let promptY = state.height - 2
        let hintY = state.height - 1
        switch state.mode {
        case .normal:
            if let status = state.status { buffer.put(" " + status.text, x: 0, y: promptY, style: status.error ? theme[.error] : theme[.status]) }
        case .filter(let text):
            Prompt.draw("/", text, y: promptY, width: state.width, theme: theme, into: &buffer)
            if let note = state.filterNote {
                let x = min(state.width - 20, DisplayWidth.of(text) + 4)
                buffer.put("  " + note.text, x: x, y: promptY, style: note.error ? theme[.error] : theme[.muted], maxWidth: state.width - x)
            }
        case .command(let text):
            Prompt.draw(":", text, y: promptY, width: state.width, theme: theme, into: &buffer)
            let matches = ConsoleState.commands.filter { $0.hasPrefix(text) && $0 != text }
            if !text.isEmpty, !matches.isEmpty {
                buffer.put(
                    "  Tab: " + matches.map { ":" + $0 }.joined(separator: " "), x: min(state.width - 30, DisplayWidth.of(text) + 4), y: promptY,
                    style: theme[.muted])
            }
        case .reason(let action, let text):
            if case .revokeMatching = action, let radius = state.bulkRadius {
                buffer.fill(y: promptY - 1, style: theme[.warning])
                buffer.put(" matches: " + radius.summary, x: 0, y: promptY - 1, style: theme[.warning], maxWidth: state.width)
            }
            Prompt.draw("Reason for \(describe(action, state: state)): ", text, y: promptY, width: state.width, theme: theme, into: &buffer)
        case .confirm(_, _, let summary):
            // The question on the prompt line; any further lines (an incident's blast radius) above it.
            let lines = summary.split(separator: "\n").map(String.init)
            for (offset, line) in lines.dropFirst().enumerated() {
                let y = promptY - (lines.count - 1) + offset
                buffer.fill(y: y, style: theme[.warning])
                buffer.put(" " + line, x: 0, y: y, style: theme[.warning], maxWidth: state.width)
            }
            buffer.fill(y: promptY, style: theme[.danger])
            buffer.put(" " + DisplayWidth.truncate(lines.first ?? "", to: state.width - 9) + " [y/N] ", x: 0, y: promptY, style: theme[.danger])
        case .inspectInput(let text):
            Prompt.draw("token: ", text.count > 60 ? "…" + text.suffix(59) : text, y: promptY, width: state.width, theme: theme, into: &buffer)
        }
        HintBar.draw(
            hints(state).map { HintBar.Hint(key: $0.label, text: shortDescription($0)) }, y: hintY, width: state.width,
            theme: theme, into: &buffer)
    }

    /// Hint-bar bindings: hinted, for this view, dangerous ones only when writable.
    func hints(_ state: ConsoleState) -> [KeyBinding] {
        var seen = Set<String>()
        return state.bindings.filter { binding in
            binding.hint && binding.views.contains(state.view) && !(binding.dangerous && state.readOnly) && seen.insert(binding.label).inserted
        }
    }

    private func shortDescription(_ binding: KeyBinding) -> String {
        switch binding.action {
        case .mark: "mark"
        case .open: "open"
        case .filter: "filter"
        case .command: "command"
        case .help: "help"
        case .inspect: "inspect"
        case .revoke: "revoke"
        case .revokeUser: "revoke user"
        case .rotateKey: "rotate"
        case .retireKey: "retire"
        case .revokeKey: "revoke key"
        case .reveal: "reveal"
        case .sort: "sort"
        case .incident: "incident"
        case .revokeMatching: "revoke all"
        case .chooseColumns: "columns"
        case .openUser: "user"
        case .disableUser: "disable/enable"
        case .toggleColumn: "show/hide"
        case .moveColumnUp: "left"
        case .moveColumnDown: "right"
        case .back: "back"
        case .quit: "quit"
        default: binding.description
        }
    }

    func describe(_ action: PendingAction, state: ConsoleState) -> String {
        switch action {
        case .revokeSessions(let ids, let users):
            ids.count == 1 ? "revoking the session of \(users.first ?? "?")" : "revoking \(ids.count) sessions"
        case .revokeUser(let user): "revoking every session of \(user)"
        case .setUserDisabled(let user, let disabled): "\(disabled ? "disabling" : "enabling") \(user)"
        case .rotateKey: "rotating the signing key"
        case .retireKey(let kid): "retiring key \(kid.prefix(12))…"
        case .revokeKey(let kid): "revoking key \(kid.prefix(12))…"
        case .incident(let incident): "the incident on \(incident.description.prefix(40))"
        case .revokeMatching(_, let criteria, _): "revoking every match of \(criteria.isEmpty ? "(no filter)" : criteria.prefix(30).description)"
        }
    }

}
