import SessionCore

/// The column chooser (`c`): which columns the sessions table shows, in which order.
extension ConsoleState {
    /// Shows the selected hidden column (at the end) or hides the selected shown one; the
    /// last shown column stays. The cursor stays on its row, so runs of columns toggle fast.
    mutating func toggleColumn() -> [ConsoleEffect] {
        let choices = columnChoices
        guard choices.indices.contains(columnCursor) else { return [] }
        let choice = choices[columnCursor]
        if let index = columns.firstIndex(of: choice) {
            guard columns.count > 1 else {
                status = ("\(choice.title) is the last column shown: show another first", true)
                return []
            }
            columns.remove(at: index)
            status = ("hid \(choice.title)", false)
        } else {
            columns.append(choice)
            status = ("showing \(choice.title)" + (shownColumns.contains(choice) ? "" : " (not at this width: less important columns give way first)"), false)
        }
        return []
    }

    /// Moves the selected shown column `delta` places (left is -1), the cursor with it.
    mutating func moveColumn(by delta: Int) -> [ConsoleEffect] {
        let choices = columnChoices
        guard choices.indices.contains(columnCursor) else { return [] }
        guard let index = columns.firstIndex(of: choices[columnCursor]) else {
            status = ("\(choices[columnCursor].title) is hidden: show it (space), then move it", true)
            return []
        }
        let target = index + delta
        guard columns.indices.contains(target) else { return [] }
        columns.swapAt(index, target)
        columnCursor = target
        return []
    }
}
