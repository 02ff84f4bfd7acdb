/// One screen position: a character (or the right half of a wide one) and its style.
public struct Cell: Sendable, Equatable {
    /// The character; empty for the second column of a wide character.
    public var character: String
    public var style: Style

    public init(_ character: String = " ", style: Style = .plain) {
        self.character = character
        self.style = style
    }

    public static let blank = Cell()
}

/// A rectangle of cells that widgets draw into, with no I/O. Control characters are never
/// stored: text from the store (a hostile user agent) cannot reach the terminal raw.
public struct CellBuffer: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { if x >= 0, y >= 0, x < width, y < height { cells[y * width + x] = newValue } }
    }

    /// Writes `text` at (x, y) in `style`, clipped to `maxWidth` columns and the buffer.
    /// Returns the column after the last one written.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height else { return x }
        let limit = min(width, x + (maxWidth ?? width))
        var column = x
        for character in text {
            let safe = Self.printable(character)
            let w = DisplayWidth.of(safe)
            if w == 0 { continue }
            if column + w > limit { break }
            if column >= 0 {
                self[column, y] = Cell(String(safe), style: style)
                if w == 2 { self[column + 1, y] = Cell("", style: style) }
            }
            column += w
        }
        return column
    }

    /// Fills a row segment with spaces in `style`.
    public mutating func fill(y: Int, from x: Int = 0, to end: Int? = nil, style: Style) {
        guard y >= 0, y < height else { return }
        for column in max(0, x)..<min(width, end ?? width) { self[column, y] = Cell(" ", style: style) }
    }

    /// Control characters (C0, DEL, C1, bidi overrides) shown as a visible placeholder.
    static func printable(_ character: Character) -> Character {
        for scalar in character.unicodeScalars {
            switch scalar.value {
            case 0..<0x20, 0x7F..<0xA0, 0x202A...0x202E, 0x2066...0x2069: return "�"
            default: continue
            }
        }
        return character
    }

    /// The text of each row (wide characters once, trailing spaces kept), for golden files.
    public func lines() -> [String] {
        (0..<height).map { y in (0..<width).map { self[$0, y].character }.joined() }
    }
}
