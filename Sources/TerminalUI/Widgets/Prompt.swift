/// A one-line input: a label, the text typed so far on an input background, and a cursor.
public enum Prompt {
    /// Draws `label` then `text` at `y` across `width` cells.
    public static func draw(_ label: String, _ text: String, y: Int, width: Int, theme: Theme, into buffer: inout CellBuffer) {
        let x = buffer.put(" " + label, x: 0, y: y, style: theme[.warning])
        buffer.fill(y: y, from: x, to: width - 1, style: theme[.input])
        let end = buffer.put(text, x: x, y: y, style: theme[.input], maxWidth: width - x - 2)
        buffer.put("▏", x: end, y: y, style: theme[.input])
    }
}
