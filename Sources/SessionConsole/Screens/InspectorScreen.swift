import JOSE
import SessionCore
import TerminalUI

/// The token inspector: verdict, header and claims with times spelled out, key, session and revocation state, RFC 8725 warnings.
struct InspectorScreen {
    let theme: Theme

    func draw(_ state: ConsoleState, into buffer: inout CellBuffer) {
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
}
