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
        case .sessions: drawSessions(state, &buffer)
        case .detail: drawDetail(state, &buffer)
        case .inspector: drawInspector(state, &buffer)
        case .keys: drawKeys(state, &buffer)
        case .audit: drawAudit(state, &buffer)
        case .help: drawHelp(state, &buffer)
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
            countsText = "active \(counts.active) · revoked today \(counts.revokedToday) · expiring 1h \(counts.expiringWithinHour) · total \(counts.total) "
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
            drawInput("/", text, y: promptY, &buffer, width: state.width)
        case .command(let text):
            drawInput(":", text, y: promptY, &buffer, width: state.width)
            let matches = ConsoleState.commands.filter { $0.hasPrefix(text) && $0 != text }
            if !text.isEmpty, !matches.isEmpty {
                buffer.put("  Tab: " + matches.map { ":" + $0 }.joined(separator: " "), x: min(state.width - 30, DisplayWidth.of(text) + 4), y: promptY, style: theme[.muted])
            }
        case .reason(let action, let text):
            drawInput("Reason for \(describe(action, state: state)): ", text, y: promptY, &buffer, width: state.width)
        case .confirm(_, _, let summary):
            buffer.fill(y: promptY, style: theme[.danger])
            buffer.put(" " + DisplayWidth.truncate(summary, to: state.width - 9) + " [y/N] ", x: 0, y: promptY, style: theme[.danger])
        case .inspectInput(let text):
            drawInput("token: ", text.count > 60 ? "…" + text.suffix(59) : text, y: promptY, &buffer, width: state.width)
        }
        buffer.fill(y: hintY, style: theme[.hint])
        var x = 1
        for binding in hints(state) {
            guard x + DisplayWidth.of(binding.label) + DisplayWidth.of(shortDescription(binding)) + 3 < state.width else { break }
            x = buffer.put(binding.label, x: x, y: hintY, style: theme[.hintKey])
            x = buffer.put(" " + shortDescription(binding) + "  ", x: x, y: hintY, style: theme[.hint])
        }
    }

    private func drawInput(_ label: String, _ text: String, y: Int, _ buffer: inout CellBuffer, width: Int) {
        let x = buffer.put(" " + label, x: 0, y: y, style: theme[.warning])
        buffer.fill(y: y, from: x, to: width - 1, style: theme[.input])
        let end = buffer.put(text, x: x, y: y, style: theme[.input], maxWidth: width - x - 2)
        buffer.put("▏", x: end, y: y, style: theme[.input])
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
        case .rotateKey: "rotating the signing key"
        case .retireKey(let kid): "retiring key \(kid.prefix(12))…"
        case .revokeKey(let kid): "revoking key \(kid.prefix(12))…"
        }
    }

    // MARK: Tables

    private struct Column {
        let title: String
        let width: Int
    }

    private func layout(_ columns: [(String, Int)], total: Int, flexible: Int) -> [Column] {
        let fixed = columns.enumerated().filter { $0.offset != flexible }.reduce(0) { $0 + $1.element.1 + 1 }
        return columns.enumerated().map { index, column in
            Column(title: column.0, width: index == flexible ? max(8, total - fixed - 1) : column.1)
        }
    }

    private func drawRow(_ cells: [String], columns: [Column], y: Int, style: Style, _ buffer: inout CellBuffer, width: Int) {
        buffer.fill(y: y, style: style)
        var x = 1
        for (cell, column) in zip(cells, columns) {
            buffer.put(DisplayWidth.pad(cell, to: column.width), x: x, y: y, style: style, maxWidth: column.width)
            x += column.width + 1
        }
    }

    private func stateStyle(_ state: SessionState) -> Style {
        switch state {
        case .active: theme[.active]
        case .revoked: theme[.revoked]
        case .expired: theme[.expired]
        }
    }

    private func drawSessions(_ state: ConsoleState, _ buffer: inout CellBuffer) {
        let columns = layout([(" ", 1), ("USER", 18), ("CLIENT", 7), ("IP", 16), ("USER AGENT", 0), ("CREATED", 11),
                              ("LAST SEEN", 9), ("EXPIRES IN", 10), ("STATE", 7)], total: state.width, flexible: 4)
        let sortedColumn = ["created": 5, "last_used": 6, "user": 1, "ip": 3, "client": 2, "user_agent": 4, "expires": 7, "state": 8][state.sort.rawValue] ?? 5
        let titles = columns.enumerated().map { index, column in
            index == sortedColumn ? column.title + (state.sort.descending ? "▼" : "▲") : column.title
        }
        drawRow(titles, columns: columns, y: 2, style: theme[.header], &buffer, width: state.width)
        if state.rows.isEmpty {
            buffer.put(state.filterText.isEmpty ? " no sessions in this store" : " no session matches \"\(state.filterText)\"",
                       x: 0, y: 3, style: theme[.muted])
        }
        for (index, session) in state.rows.prefix(state.pageSize).enumerated() {
            let sessionState = session.state(at: state.now)
            let marked = state.marks.contains(session.id)
            let expires = min(session.expiresAt, session.idleExpiresAt)
            let cells = [marked ? "●" : " ", session.user, session.client, session.ip, session.userAgent,
                         Timestamp.rfc3339(session.createdAt).prefix(16).replacingOccurrences(of: "T", with: " ").dropFirst(5).description,
                         Timestamp.relative(session.lastUsedAt, now: state.now).replacingOccurrences(of: " ago", with: ""),
                         sessionState == .active ? Timestamp.duration(expires - state.now) : "-", sessionState.rawValue]
            var style = stateStyle(sessionState)
            if marked { style = theme[.marked] }
            if index == state.cursor { style = theme[.selection] }
            drawRow(cells, columns: columns, y: 3 + index, style: style, &buffer, width: state.width)
        }
        if !state.marks.isEmpty {
            buffer.put(" \(state.marks.count) marked ", x: state.width - 14, y: 2, style: theme[.marked])
        }
    }

    private func drawDetail(_ state: ConsoleState, _ buffer: inout CellBuffer) {
        guard let session = state.detail else { return }
        let sessionState = session.state(at: state.now)
        var y = 2
        let fields: [(String, String)] = [
            ("session", session.id), ("user", session.user), ("state", sessionState.rawValue),
            ("client", session.client), ("ip", session.ip), ("user agent", session.userAgent),
            ("created", "\(Timestamp.rfc3339(session.createdAt))  (\(Timestamp.relative(session.createdAt, now: state.now)))"),
            ("last used", "\(Timestamp.rfc3339(session.lastUsedAt))  (\(Timestamp.relative(session.lastUsedAt, now: state.now)))"),
            ("expires", "\(Timestamp.rfc3339(min(session.expiresAt, session.idleExpiresAt)))  (\(Timestamp.relative(min(session.expiresAt, session.idleExpiresAt), now: state.now)); absolute \(Timestamp.rfc3339(session.expiresAt)))"),
            ("rotations", String(session.rotations)),
        ] + (session.revokedAt.map { [("revoked", "\(Timestamp.rfc3339($0)) by \(session.revokedBy ?? "?"): \(session.revokeReason ?? "")")] } ?? [])
        for (name, value) in fields {
            buffer.put(" " + DisplayWidth.pad(name, to: 11), x: 0, y: y, style: theme[.muted])
            buffer.put(value, x: 13, y: y, style: name == "state" || name == "revoked" ? stateStyle(sessionState) : theme[.normal], maxWidth: state.width - 14)
            y += 1
        }
        y += 1
        buffer.put(" refresh family (oldest first; tokens shown by hash prefix)", x: 0, y: y, style: theme[.title])
        y += 1
        let columns = layout([("TOKEN", 9), ("ISSUED", 20), ("IP", 0), ("SPENT", 20), ("NOTE", 24)], total: state.width, flexible: 2)
        drawRow(columns.map(\.title), columns: columns, y: y, style: theme[.header], &buffer, width: state.width)
        y += 1
        for record in state.history.dropFirst(state.detailScroll) {
            guard y < state.height - 2 else { break }
            let reused = record.reusedAt != nil
            let cells = [record.label, Timestamp.rfc3339(record.issuedAt), record.issuedIP,
                         record.spentAt.map(Timestamp.rfc3339) ?? "live", reused ? "⚠ REUSED \(Timestamp.relative(record.reusedAt!, now: state.now))" : ""]
            drawRow(cells, columns: columns, y: y, style: reused ? theme[.danger] : (record.spentAt == nil ? theme[.active] : theme[.normal]), &buffer, width: state.width)
            y += 1
        }
    }

    private func drawInspector(_ state: ConsoleState, _ buffer: inout CellBuffer) {
        var y = 2
        func line(_ text: String, _ style: Style? = nil, indent: Int = 1) {
            guard y < state.height - 2 else { return }
            buffer.put(text, x: indent, y: y, style: style ?? theme[.normal], maxWidth: state.width - indent - 1)
            y += 1
        }
        guard let inspection = state.inspection else {
            line("Paste a token (or type it) and press Enter. Esc goes back.", theme[.muted])
            return
        }
        let tokenText = state.revealed ? state.inspectedToken : inspection.redacted
        line("token  " + tokenText + (state.revealed ? "" : "   (R reveals)"), theme[.muted])
        let verdictStyle = inspection.verification == nil && inspection.revocation == nil ? theme[.active] : theme[.revoked]
        line(inspection.verdict, verdictStyle)
        guard let description = inspection.description else { return }
        y += 1
        line("header", theme[.title])
        for (name, value) in description.header { line("  \(name): \(JSONWriter.string(value))") }
        line("claims", theme[.title])
        for (name, value) in description.claims {
            var text = "  \(name): \(JSONWriter.string(value))"
            if let time = description.times.first(where: { $0.claim == name }) { text += "   \(time.rfc3339) (\(time.relative))" }
            line(text)
        }
        line("state", theme[.title])
        line("  key      \(inspection.signingKey ?? description.header["kid"]?.stringValue ?? "-")  \(inspection.keyState?.rawValue ?? "not in this store")")
        if let session = inspection.session {
            line("  session  \(session.id)  \(session.state(at: state.now).rawValue)  (\(session.user), \(session.client), \(session.ip))")
        } else {
            line("  session  \(description.claims["sid"]?.stringValue ?? "-")  not in this store")
        }
        line("  revoked  \(inspection.revocation?.description ?? "no")")
        if !description.warnings.isEmpty {
            line("warnings (RFC 8725)", theme[.warning])
            for warning in description.warnings { line("  ⚠ " + warning, theme[.warning]) }
        }
    }

    private func drawKeys(_ state: ConsoleState, _ buffer: inout CellBuffer) {
        let columns = layout([("KID", 22), ("ALG", 6), ("STATE", 9), ("CREATED", 11), ("ACTIVATED", 11), ("RETIRES", 10), ("TIMELINE (−120d … now)", 0)],
                             total: state.width, flexible: 6)
        drawRow(columns.map(\.title), columns: columns, y: 2, style: theme[.header], &buffer, width: state.width)
        let timelineWidth = columns[6].width
        for (index, key) in state.keys.enumerated() {
            guard 3 + index < state.height - 4 else { break }
            let retires = key.retiresAt(maxTokenLifetime: 300, leeway: 60)
            let cells = [key.kid, key.algorithm, key.state.rawValue,
                         Timestamp.rfc3339(key.createdAt).prefix(10).description, key.activatedAt.map { Timestamp.rfc3339($0).prefix(10).description } ?? "-",
                         retires.map { Timestamp.relative($0, now: state.now) } ?? "-", timeline(key, width: timelineWidth, now: state.now)]
            let style: Style = index == state.keyCursor ? theme[.selection] : {
                switch key.state {
                case .active: theme[.active]
                case .next: theme[.normal]
                case .retiring: theme[.warning]
                case .retired: theme[.expired]
                case .revoked: theme[.revoked]
                }
            }()
            drawRow(cells, columns: columns, y: 3 + index, style: style, &buffer, width: state.width)
        }
        if let impact = state.keyImpact {
            buffer.put(" impact: \(impact.liveSessions) live sessions; \(impact.recentlyUsed) used in the last 5 min may hold access tokens under the active key",
                       x: 0, y: state.height - 4, style: theme[.muted])
        }
        buffer.put(" legend: ░ next  █ active  ▒ retiring  × revoked", x: 0, y: state.height - 3, style: theme[.muted])
    }

    /// A key's life on a 120-day axis ending now.
    func timeline(_ key: SigningKeyRecord, width: Int, now: Double) -> String {
        guard width > 0 else { return "" }
        let start = now - 120 * 86_400
        func column(_ t: Double) -> Int { max(0, min(width - 1, Int((t - start) / (now - start) * Double(width)))) }
        var chars = [Character](repeating: " ", count: width)
        let activeFrom = key.activatedAt ?? .infinity
        let retiringFrom = key.retiringAt ?? .infinity
        let endOfLife = key.retiredAt ?? key.revokedAt ?? now
        for i in 0..<width {
            let t = start + (Double(i) + 0.5) / Double(width) * (now - start)
            if t < key.createdAt || t > endOfLife { continue }
            chars[i] = t >= retiringFrom ? "▒" : t >= activeFrom ? "█" : "░"
        }
        if let revoked = key.revokedAt, revoked >= start { chars[column(revoked)] = "×" }
        if key.createdAt >= start, chars[column(key.createdAt)] == " " { chars[column(key.createdAt)] = "░" }
        return String(chars)
    }

    private func drawAudit(_ state: ConsoleState, _ buffer: inout CellBuffer) {
        let columns = layout([("AT", 19), ("ACTOR", 8), ("ACTION", 18), ("TARGET", 22), ("REASON", 0), ("DETAIL", 28)], total: state.width, flexible: 4)
        drawRow(columns.map(\.title), columns: columns, y: 2, style: theme[.header], &buffer, width: state.width)
        let entries = state.visibleAudit
        let first = max(0, state.auditCursor - state.pageSize + 1)
        for (offset, entry) in entries.dropFirst(first).prefix(state.pageSize).enumerated() {
            let index = first + offset
            let cells = [Timestamp.rfc3339(entry.at).dropLast().replacingOccurrences(of: "T", with: " "), entry.actor, entry.action.rawValue, entry.target, entry.reason, entry.detail]
            let security = entry.action == .refreshReuse || entry.action == .verifyRevokedKey
            drawRow(cells, columns: columns, y: 3 + offset, style: index == state.auditCursor ? theme[.selection] : (security ? theme[.warning] : theme[.normal]), &buffer, width: state.width)
        }
        if !state.auditFilter.isEmpty {
            buffer.put(" filter: \(state.auditFilter) ", x: state.width - 30, y: 2, style: theme[.marked], maxWidth: 29)
        }
    }

    private func drawHelp(_ state: ConsoleState, _ buffer: inout CellBuffer) {
        buffer.put(" Keys (every binding; dangerous ones ask for a reason, then y to confirm)", x: 0, y: 2, style: theme[.title])
        var y = 3
        var labels: [ConsoleAction: [String]] = [:]
        for binding in state.bindings.dropFirst(state.helpScroll) {
            // "↓" is already listed as part of "j/↓".
            if labels[binding.action, default: []].contains(where: { $0.contains(binding.label) }) { continue }
            labels[binding.action, default: []].append(binding.label)
            guard y < state.height - 2 else { break }
            let views = binding.views.count == ConsoleView.allCases.count ? "everywhere" : binding.views.map(\.rawValue).sorted().joined(separator: ", ")
            let disabled = binding.dangerous && state.readOnly ? "  (disabled: read-only)" : ""
            buffer.put(" " + DisplayWidth.pad(binding.label, to: 7), x: 0, y: y, style: theme[.hintKey])
            buffer.put(binding.description + disabled, x: 9, y: y, style: binding.dangerous ? theme[.warning] : theme[.normal], maxWidth: 60)
            buffer.put(views, x: 70, y: y, style: theme[.muted], maxWidth: state.width - 71)
            y += 1
        }
        if y < state.height - 3 {
            buffer.put(" Commands: :sessions :keys :audit :inspect :theme NAME :q    Mouse: click selects, wheel scrolls", x: 0, y: y + 1, style: theme[.muted])
        }
    }
}
