import JOSE

/// A one-line progress bar for long work: `label [#########.........]  45%  450000/1000000  3.1s`.
public struct ProgressBar: Sendable {
    public let label: String
    public let total: Int
    public let width: Int

    public init(label: String, total: Int, width: Int = 30) {
        self.label = label
        self.total = max(total, 1)
        self.width = width
    }

    /// The line for `done` units after `elapsed` seconds (no newline, no escape codes).
    public func line(done: Int, elapsed: Double) -> String {
        let fraction = min(max(Double(done) / Double(total), 0), 1)
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let percent = String(Int((fraction * 100).rounded(.down))).leftPadded(3, with: " ")
        let seconds = (elapsed * 10).rounded() / 10
        return "\(label) [\(bar)] \(percent)%  \(done)/\(total)  \(seconds)s"
    }
}
