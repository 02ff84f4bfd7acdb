import SessionCore
import TerminalUI

/// The console's loop: draw the state, wait for input (at most a second, so changes other
/// processes make appear within a second), handle it, run the effects, feed the answers back.
public final class ConsoleApp {
    public private(set) var state: ConsoleState
    private let backend: any TerminalBackend
    private let runner: EffectRunner
    private var theme: Theme
    private let monochrome: Bool
    private let clock: () -> Double
    /// Progress of an effect still running, drawn over the status line.
    private var progress: String?

    public init(
        state: ConsoleState, backend: any TerminalBackend, runner: EffectRunner, theme: Theme,
        monochrome: Bool, clock: @escaping () -> Double
    ) {
        self.state = state
        self.backend = backend
        self.runner = runner
        self.theme = monochrome ? theme.monochrome : theme
        self.monochrome = monochrome
        self.clock = clock
        runner.onProgress = { [weak self] text in
            guard let self else { return }
            self.progress = text
            self.draw()
        }
        runner.cancelRequested = { [weak self] in
            // Keys typed during long work: Esc stops it; the rest are dropped.
            guard let self else { return false }
            while true {
                let event = self.backend.nextEvent(timeoutMilliseconds: 0)
                if case .tick = event { return false }
                if case .key(.escape) = event { return true }
            }
        }
    }

    /// Applies an event and runs every effect it causes, to quiescence.
    public func dispatch(_ event: ConsoleEvent) {
        var queue = state.handle(event)
        defer { progress = nil }
        while !queue.isEmpty {
            let answer = runner.run(queue.removeFirst())
            if case .themeChanged(let loaded) = answer { theme = monochrome ? loaded.monochrome : loaded }
            queue += state.handle(answer)
        }
    }

    /// Draws the current state.
    public func draw() {
        guard let progress else { return backend.draw(ConsoleRenderer(theme: theme).render(state)) }
        var shown = state
        shown.mode = .normal
        shown.status = (progress, false)
        backend.draw(ConsoleRenderer(theme: theme).render(shown))
    }

    /// Runs until the user quits. `maxIdleTicks` stops a headless run that has no more input.
    public func run(maxIdleTicks: Int? = nil) {
        // The first page is drawn as soon as it is loaded; counts and the rest follow.
        var queue = state.start()
        var drawn = false
        while !queue.isEmpty {
            queue += state.handle(runner.run(queue.removeFirst()))
            if !drawn {
                draw()
                drawn = true
            }
        }
        var lastTick = clock()
        var idle = 0
        while !state.quitRequested {
            let size = backend.size
            if size.width != state.width || size.height != state.height {
                dispatch(.terminal(TerminalEventBox(.resize(width: size.width, height: size.height))))
            }
            draw()
            var event = backend.nextEvent(timeoutMilliseconds: 250)
            if case .tick = event {
                idle += 1
                if let maxIdleTicks, idle >= maxIdleTicks { return }
            }
            // Handle every key already typed before drawing again: typing never waits on frames.
            while true {
                if case .tick = event { break }
                idle = 0
                dispatch(.terminal(TerminalEventBox(event)))
                if state.quitRequested { return }
                event = backend.nextEvent(timeoutMilliseconds: 0)
            }
            let now = clock()
            if now - lastTick >= 1 {
                lastTick = now
                dispatch(.tick(now: now))
            }
        }
    }
}
