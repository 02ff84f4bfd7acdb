import JOSE
import SessionCore
import TerminalUI

/// Every key binding, generated from the keymap, then the commands and the filter language;
/// scrolled with the list keys.
struct HelpScreen {
    let theme: Theme

    /// One line of help: a key (or a term), what it does, where.
    struct Line {
        var label: String
        var text: String
        var views: String
        var dangerous = false
    }

    /// The filter language, one term per line.
    static let filterLines: [(String, String)] = [
        ("user:al", "prefix (also ip: client: agent: id:); case ignored but for id"),
        ("user:=alice", "exact"), ("agent:~fox", "substring (checked on a bounded scan: the status line says so)"),
        ("ip:203.0.113.0/24", "address in a network, IPv4 or IPv6 (2001:db8::/32)"),
        ("created>2h", "created more than 2 h ago; created<2h within the last 2 h (units s m h d w)"),
        ("seen<10m", "used within 10 minutes"), ("expires<1d", "ends within a day; expires>7d later"),
        ("state:active", "active, revoked or expired"), ("-client:cli", "a leading - negates any term"),
        ("bob", "any other word: the start of the user, address or client; terms are ANDed"),
    ]

    /// Every line, in order.
    static func lines(_ state: ConsoleState) -> [Line] {
        var out: [Line] = []
        var labels: [ConsoleAction: [String]] = [:]
        for binding in state.bindings {
            // "↓" is already listed as part of "j/↓".
            if labels[binding.action, default: []].contains(where: { $0.contains(binding.label) }) { continue }
            labels[binding.action, default: []].append(binding.label)
            let views = binding.views.count == ConsoleView.allCases.count ? "everywhere" : binding.views.map(\.rawValue).sorted().joined(separator: ", ")
            let disabled = binding.dangerous && state.readOnly ? "  (disabled: read-only)" : ""
            out.append(Line(label: binding.label, text: binding.description + disabled, views: views, dangerous: binding.dangerous))
        }
        out.append(Line(label: "", text: "", views: ""))
        out.append(
            Line(label: ":", text: ":sessions :keys :audit :services :user NAME :inspect :export FILE :save NAME :view NAME :theme NAME :q", views: "commands"))
        out.append(Line(label: "", text: "", views: ""))
        for (term, meaning) in filterLines { out.append(Line(label: term, text: meaning, views: "filter /")) }
        return out
    }

    func draw(_ state: ConsoleState, into buffer: inout CellBuffer) {
        buffer.put(" Keys (every binding; dangerous ones ask for a reason, then y to confirm), commands, filters", x: 0, y: 2, style: theme[.title])
        var y = 3
        for line in Self.lines(state).dropFirst(state.helpScroll) {
            guard y < state.height - 2 else { break }
            let width = max(7, DisplayWidth.of(line.label))
            buffer.put(" " + DisplayWidth.pad(line.label, to: 7), x: 0, y: y, style: theme[.hintKey])
            buffer.put(line.text, x: 2 + width, y: y, style: line.dangerous ? theme[.warning] : theme[.normal], maxWidth: 67 - width)
            buffer.put(line.views, x: 70, y: y, style: theme[.muted], maxWidth: state.width - 71)
            y += 1
        }
    }
}
