import Foundation
import JOSE

/// A one-line progress bar for long work: `label [#########.........]  45%  450000/1000000  3.1s`.
public struct ProgressBar: Sendable {
    public let label: String
    public let total: Int
    public let width: Int

    public init(label: String, total: Int, width: Int = 30) {
        self.label = label
        self.total = max(total, 0)
        self.width = width
    }

    /// The line for `done` units after `elapsed` seconds (no newline, no escape codes); a
    /// part with nothing to do is complete.
    public func line(done: Int, elapsed: Double) -> String {
        let fraction = total == 0 ? 1 : min(max(Double(done) / Double(total), 0), 1)
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let percent = String(Int((fraction * 100).rounded(.down))).leftPadded(3, with: " ")
        let seconds = (elapsed * 10).rounded() / 10
        return "\(label) [\(bar)] \(percent)%  \(done)/\(total)  \(seconds)s"
    }
}

/// Shows long work on standard error: one bar redrawn in place on a terminal (a new line per
/// phase), a line per tenth otherwise (logs, pipes).
final class ProgressReporter {
    private let start = SystemClock.now()
    private let interactive = isatty(2) != 0
    private var lastLabel = ""
    /// The last tenth (of a bar) or ten-thousand (of a count) printed, when not on a terminal.
    private var lastBucket = -1

    /// Reports `done` of `total` for `label`.
    func report(_ label: String, done: Int, total: Int) {
        let bar = ProgressBar(label: label, total: total)
        let line = bar.line(done: done, elapsed: SystemClock.now() - start)
        if interactive {
            if label != lastLabel, !lastLabel.isEmpty { FileHandle.standardError.write(Data("\n".utf8)) }
            FileHandle.standardError.write(Data(("\r" + line).utf8))
        } else {
            let tenth = total == 0 ? 10 : done * 10 / max(total, 1)
            if label != lastLabel || tenth != lastBucket { printError(line) }
            lastBucket = tenth
        }
        lastLabel = label
    }

    /// Reports a count whose total is not known yet (`label: 12000 so far  1.2s`): redrawn on
    /// a terminal, a line per 10,000 otherwise.
    func counting(_ label: String, done: Int) {
        let seconds = ((SystemClock.now() - start) * 10).rounded() / 10
        let line = "\(label): \(done) so far  \(seconds)s"
        if interactive {
            FileHandle.standardError.write(Data(("\r" + line).utf8))
        } else if label != lastLabel || done / 10_000 != lastBucket {
            printError(line)
            lastBucket = done / 10_000
        }
        lastLabel = label
    }

    /// Ends the last bar's line.
    func finish() {
        if interactive, !lastLabel.isEmpty { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
