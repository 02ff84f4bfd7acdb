/// The bottom line of key hints, built from key bindings: each key label, then what it does,
/// as many as fit.
public enum HintBar {
    /// One hint: the key as shown and a short description.
    public struct Hint: Sendable, Equatable {
        public let key: String
        public let text: String
        public init(key: String, text: String) {
            self.key = key
            self.text = text
        }
    }

    /// Draws `hints` at `y`, stopping before one would not fit in `width`.
    public static func draw(_ hints: [Hint], y: Int, width: Int, theme: Theme, into buffer: inout CellBuffer) {
        buffer.fill(y: y, style: theme[.hint])
        var x = 1
        for hint in hints {
            guard x + DisplayWidth.of(hint.key) + DisplayWidth.of(hint.text) + 3 < width else { break }
            x = buffer.put(hint.key, x: x, y: y, style: theme[.hintKey])
            x = buffer.put(" " + hint.text + "  ", x: x, y: y, style: theme[.hint])
        }
    }
}
