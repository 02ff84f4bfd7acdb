/// A terminal colour: the terminal's default, one of the 16 ANSI colours, or a 256-colour index.
public enum TerminalColor: Sendable, Equatable, Hashable {
    case `default`
    case indexed(UInt8)

    /// Colour names accepted in theme files.
    public static let names: [String: UInt8] = [
        "black": 0, "red": 1, "green": 2, "yellow": 3, "blue": 4, "magenta": 5, "cyan": 6, "white": 7,
        "gray": 8, "grey": 8, "bright-red": 9, "bright-green": 10, "bright-yellow": 11, "bright-blue": 12,
        "bright-magenta": 13, "bright-cyan": 14, "bright-white": 15,
    ]

    /// Parses `default`, a colour name, or a number 0–255.
    public init?(name: String) {
        if name == "default" { self = .default; return }
        if let index = Self.names[name] { self = .indexed(index); return }
        if let number = UInt8(name) { self = .indexed(number); return }
        return nil
    }
}

/// How a cell looks.
public struct Style: Sendable, Equatable, Hashable {
    public var foreground: TerminalColor
    public var background: TerminalColor
    public var bold: Bool
    public var reverse: Bool
    public var underline: Bool
    public var dim: Bool

    public init(
        foreground: TerminalColor = .default, background: TerminalColor = .default, bold: Bool = false,
        reverse: Bool = false, underline: Bool = false, dim: Bool = false
    ) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.reverse = reverse
        self.underline = underline
        self.dim = dim
    }

    public static let plain = Style()

    /// The style with colours removed (for `NO_COLOR` and monochrome terminals); emphasis stays.
    public var monochrome: Style { Style(bold: bold, reverse: reverse, underline: underline, dim: dim) }
}
