/// A table's columns and rows drawn into a cell buffer: fixed-width columns with one
/// flexible column taking what is left, a header row, and rows padded and cut to width
/// (wide characters counted by `DisplayWidth`).
public struct Table: Sendable {
    /// One column: its title and width in cells.
    public struct Column: Sendable, Equatable {
        public let title: String
        public let width: Int
    }

    public let columns: [Column]

    /// Lays out `columns` (title, width) in `total` cells; the column at `flexible` (if any)
    /// gets the rest (at least 8).
    public init(_ columns: [(String, Int)], total: Int, flexible: Int?) {
        let fixed = columns.enumerated().filter { $0.offset != flexible }.reduce(0) { $0 + $1.element.1 + 1 }
        self.columns = columns.enumerated().map { index, column in
            Column(title: column.0, width: index == flexible ? max(8, total - fixed - 1) : column.1)
        }
    }

    /// The titles, the one at `sorted` marked ▼ (descending) or ▲.
    public func titles(sorted: Int? = nil, descending: Bool = true) -> [String] {
        columns.enumerated().map { index, column in
            index == sorted ? column.title + (descending ? "▼" : "▲") : column.title
        }
    }

    /// Draws one row of `cells` at `y`, the whole line in `style`.
    public func draw(_ cells: [String], y: Int, style: Style, into buffer: inout CellBuffer) {
        buffer.fill(y: y, style: style)
        var x = 1
        for (cell, column) in zip(cells, columns) {
            buffer.put(DisplayWidth.pad(cell, to: column.width), x: x, y: y, style: style, maxWidth: column.width)
            x += column.width + 1
        }
    }
}
