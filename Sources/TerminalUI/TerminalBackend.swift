import Dispatch
/// Where frames go and input comes from: curses on a real terminal, memory in tests.
public protocol TerminalBackend: AnyObject {
    /// Columns and rows.
    var size: (width: Int, height: Int) { get }
    /// Shows `buffer` (a backend may paint only what changed since the last frame).
    func draw(_ buffer: CellBuffer)
    /// The next event, or `.tick` after `timeoutMilliseconds` without one.
    func nextEvent(timeoutMilliseconds: Int) -> TerminalEvent
}

/// A backend in memory: keeps the last frame and replays queued events. For tests.
public final class HeadlessBackend: TerminalBackend {
    public var size: (width: Int, height: Int)
    public private(set) var lastFrame: CellBuffer?
    public private(set) var frames = 0
    /// When the first frame was drawn (`DispatchTime` nanoseconds), for timing.
    public private(set) var firstFrameAt: UInt64?
    public var events: [TerminalEvent] = []

    public init(width: Int, height: Int) { size = (width, height) }

    public func draw(_ buffer: CellBuffer) {
        lastFrame = buffer
        frames += 1
        if firstFrameAt == nil { firstFrameAt = DispatchTime.now().uptimeNanoseconds }
    }

    public func nextEvent(timeoutMilliseconds: Int) -> TerminalEvent {
        events.isEmpty ? .tick : events.removeFirst()
    }
}
