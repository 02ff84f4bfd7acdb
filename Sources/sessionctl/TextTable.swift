import JOSE

/// Left-aligned text columns for command-line listings. Cells are escaped so terminal
/// control characters from stored data (a hostile user agent) never reach the terminal.
public struct TextTable: Sendable {
    public var headers: [String]
    public var rows: [[String]] = []

    public init(headers: [String]) { self.headers = headers }

    public mutating func append(_ row: [String]) { rows.append(row.map { JSONWriter.escapeForMessage($0, limit: 80) }) }

    /// The lines, columns separated by two spaces, trailing spaces trimmed.
    public func lines() -> [String] {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func render(_ cells: [String]) -> String {
            var line = ""
            for (index, cell) in cells.enumerated() {
                line += cell
                if index < cells.count - 1 { line += String(repeating: " ", count: widths[index] - cell.count + 2) }
            }
            return line
        }
        return [render(headers)] + rows.map(render)
    }
}
