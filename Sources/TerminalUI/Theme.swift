import Foundation

/// Semantic styles: widgets ask for `theme[.selection]`, never for a raw colour.
public struct Theme: Sendable, Equatable {
    /// The slots a theme file sets.
    public enum Slot: String, Sendable, CaseIterable {
        case normal, title, header, selection, marked, active, revoked, expired
        case warning, danger, muted, hint, hintKey = "hint-key", input, border, spark, status, error
    }

    public let name: String
    private var styles: [Slot: Style]

    /// A theme from slot styles; missing slots fall back to `normal`.
    public init(name: String, styles: [Slot: Style]) {
        self.name = name
        self.styles = styles
    }

    public subscript(slot: Slot) -> Style {
        styles[slot] ?? styles[.normal] ?? .plain
    }

    /// The same theme without colours (`NO_COLOR`, monochrome terminals).
    public var monochrome: Theme {
        Theme(name: name, styles: styles.mapValues(\.monochrome))
    }

    /// Why a theme file was refused: the file, the line and what is wrong.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public let file: String
        public let line: Int
        public let message: String
        public var description: String { "\(file):\(line): \(message)" }
    }

    /// Parses a theme file: `slot = fg [on bg] [bold] [reverse] [underline] [dim]`, `#`
    /// comments. Every slot must be set exactly once.
    public static func parse(_ text: String, name: String, file: String) throws(ParseError) -> Theme {
        var styles: [Slot: Style] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            let number = index + 1
            let parts = trimmed.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { throw ParseError(file: file, line: number, message: "expected `slot = style`") }
            guard let slot = Slot(rawValue: parts[0]) else {
                throw ParseError(
                    file: file, line: number, message: "unknown slot \"\(parts[0])\" (known: \(Slot.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            guard styles[slot] == nil else { throw ParseError(file: file, line: number, message: "slot \"\(parts[0])\" is set twice") }
            var words = parts[1].split(separator: " ").map(String.init)
            guard let first = words.first, let foreground = TerminalColor(name: first) else {
                throw ParseError(file: file, line: number, message: "expected a colour name or 0-255 after `=`")
            }
            words.removeFirst()
            var style = Style(foreground: foreground)
            while !words.isEmpty {
                let word = words.removeFirst()
                switch word {
                case "on":
                    guard let next = words.first, let background = TerminalColor(name: next) else {
                        throw ParseError(file: file, line: number, message: "expected a colour after `on`")
                    }
                    style.background = background
                    words.removeFirst()
                case "bold": style.bold = true
                case "reverse": style.reverse = true
                case "underline": style.underline = true
                case "dim": style.dim = true
                default: throw ParseError(file: file, line: number, message: "unknown word \"\(word)\"")
                }
            }
            styles[slot] = style
        }
        let missing = Slot.allCases.filter { styles[$0] == nil }
        guard missing.isEmpty else {
            throw ParseError(file: file, line: 0, message: "missing slots: \(missing.map(\.rawValue).joined(separator: ", "))")
        }
        return Theme(name: name, styles: styles)
    }

    /// Loads `<folder>/<name>.theme`.
    public static func load(named name: String, from folder: String) throws(ParseError) -> Theme {
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw ParseError(file: name, line: 0, message: "theme names are letters, digits, - and _")
        }
        let path = (folder as NSString).appendingPathComponent("\(name).theme")
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ParseError(file: path, line: 0, message: "no such theme file")
        }
        return try parse(String(decoding: data, as: UTF8.self), name: name, file: path)
    }

    /// The themes available in `folder`.
    public static func available(in folder: String) -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return files.filter { $0.hasSuffix(".theme") }.map { String($0.dropLast(6)) }.sorted()
    }

    /// A built-in theme used when no theme folder is found.
    public static let fallback = Theme(
        name: "builtin",
        styles: [
            .normal: Style(), .title: Style(foreground: .indexed(14), bold: true), .header: Style(bold: true, reverse: true),
            .selection: Style(reverse: true), .marked: Style(foreground: .indexed(11), bold: true), .active: Style(foreground: .indexed(2)),
            .revoked: Style(foreground: .indexed(1)), .expired: Style(dim: true), .warning: Style(foreground: .indexed(3), bold: true),
            .danger: Style(foreground: .indexed(15), background: .indexed(1), bold: true), .muted: Style(dim: true),
            .hint: Style(dim: true), .hintKey: Style(foreground: .indexed(6), bold: true), .input: Style(underline: true),
            .border: Style(foreground: .indexed(8)), .spark: Style(foreground: .indexed(6)), .status: Style(foreground: .indexed(2)),
            .error: Style(foreground: .indexed(9), bold: true),
        ])
}
