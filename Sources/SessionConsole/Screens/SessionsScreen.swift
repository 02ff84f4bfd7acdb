import SessionCore
import TerminalUI

/// The sessions view: the table of the current page in the chosen columns (those that fit
/// the width), sorted column marked, marks and selection.
struct SessionsScreen {
    let theme: Theme

    func draw(_ state: ConsoleState, into buffer: inout CellBuffer) {
        let columns = state.shownColumns
        let table = Table(
            [(" ", 1)] + columns.map { ($0.title, $0.width) }, total: state.width,
            flexible: columns.firstIndex { $0.width == 0 }.map { $0 + 1 })
        let sortedColumn = columns.firstIndex { $0.sort == state.sort }.map { $0 + 1 }
        table.draw(table.titles(sorted: sortedColumn, descending: state.sort.descending), y: 2, style: theme[.header], into: &buffer)
        if state.rows.isEmpty {
            buffer.put(
                state.filterText.isEmpty ? " no sessions in this store" : " no session matches \"\(state.filterText)\"",
                x: 0, y: 3, style: theme[.muted])
        }
        for (index, session) in state.rows.prefix(state.pageSize).enumerated() {
            let marked = state.marks.contains(session.id)
            let cells = [marked ? "●" : " "] + columns.map { $0.cell(session, now: state.now) }
            var style = theme.style(for: session.state(at: state.now))
            if marked { style = theme[.marked] }
            if index == state.cursor { style = theme[.selection] }
            table.draw(cells, y: 3 + index, style: style, into: &buffer)
        }
        if !state.marks.isEmpty {
            buffer.put(" \(state.marks.count) marked ", x: state.width - 14, y: 2, style: theme[.marked])
        }
    }
}
