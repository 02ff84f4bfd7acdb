import JOSE
import SessionCore
import TerminalUI

/// Every key binding, generated from the keymap, and the commands.
struct HelpScreen {
    let theme: Theme

    func draw(_ state: ConsoleState, into buffer: inout CellBuffer) {
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
