import SessionCore
import TerminalUI

/// The column chooser: every column, the shown ones first in their order, each with what it
/// holds; and which of them this terminal is too narrow for.
struct ColumnsScreen {
    let theme: Theme

    func draw(_ state: ConsoleState, into buffer: inout CellBuffer) {
        buffer.put(
            " Columns of the sessions table: space shows or hides, K/J move left or right, Esc back; :save NAME keeps them",
            x: 0, y: 2, style: theme[.header], maxWidth: state.width)
        let shown = state.shownColumns
        for (index, column) in state.columnChoices.enumerated() {
            let chosen = state.columns.contains(column)
            let note = chosen && !shown.contains(column) ? "  (hidden at this width)" : ""
            let line = " \(chosen ? "[x]" : "[ ]") \(DisplayWidth.pad(column.title, to: 11)) \(column.meaning)\(note)"
            let style = index == state.columnCursor ? theme[.selection] : chosen ? theme[.normal] : theme[.muted]
            buffer.fill(y: 3 + index, style: style)
            buffer.put(line, x: 0, y: 3 + index, style: style, maxWidth: state.width)
        }
        let y = 4 + SessionColumn.allCases.count
        buffer.put(" at \(state.width) cells wide: " + shown.map(\.title).joined(separator: " · "), x: 0, y: y, style: theme[.muted], maxWidth: state.width)
    }
}
