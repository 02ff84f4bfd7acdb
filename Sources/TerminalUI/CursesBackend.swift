@preconcurrency internal import CNCurses
#if canImport(Glibc)
    import Glibc
#endif

/// The real terminal through ncursesw: the single owner of the curses screen, ended in
/// `deinit` and, through signal handlers, on SIGINT, SIGTERM, SIGHUP and fatal signals, so
/// the terminal is always restored. It paints only the cells that changed since the last
/// frame and reads keys, mouse events, resizes and bracketed pastes.
public final class CursesBackend: TerminalBackend {
    private var previous: CellBuffer?
    private var pairs: [PairKey: Int16] = [:]
    private let colors: Bool
    private var ended = false

    private struct PairKey: Hashable {
        let foreground: TerminalColor
        let background: TerminalColor
    }

    /// Starts curses on the controlling terminal. `colors` false draws without colour.
    public init(colors: Bool) {
        setlocale(LC_ALL, "")
        setenv("ESCDELAY", "25", 0)
        initscr()
        cbreak()
        noecho()
        nonl()
        keypad(shim_stdscr(), true)
        curs_set(0)
        var old: mmask_t = 0
        mousemask(shim_ALL_MOUSE_EVENTS(), &old)
        mouseinterval(0)
        self.colors = colors && has_colors()
        if self.colors {
            start_color()
            use_default_colors()
        }
        // Bracketed paste: pasted text arrives between ESC[200~ and ESC[201~.
        Self.writeRaw("\u{1B}[?2004h")
        CursesBackend.installSignalHandlers()
    }

    deinit { end() }

    /// Restores the terminal (idempotent).
    public func end() {
        guard !ended else { return }
        ended = true
        Self.writeRaw("\u{1B}[?2004l")
        curs_set(1)
        endwin()
    }

    private static func writeRaw(_ text: String) {
        _ = text.withCString { write(1, $0, strlen($0)) }
    }

    nonisolated(unsafe) private static var handlersInstalled = false

    private static func installSignalHandlers() {
        guard !handlersInstalled else { return }
        handlersInstalled = true
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE] {
            signal(sig) { number in
                // Leave the alternate screen and show the cursor, then die of the same signal.
                let reset = "\u{1B}[?2004l"
                _ = reset.withCString { write(1, $0, strlen($0)) }
                endwin()
                signal(number, SIG_DFL)
                raise(number)
            }
        }
    }

    /// The terminal's size, asked of the terminal itself (TIOCGWINSZ): a resize that
    /// happened before curses could notice it is picked up too.
    public var size: (width: Int, height: Int) {
        var window = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &window) == 0, window.ws_col > 0, window.ws_row > 0 {
            let columns = Int32(window.ws_col), rows = Int32(window.ws_row)
            if columns != getmaxx(shim_stdscr()) || rows != getmaxy(shim_stdscr()) {
                resizeterm(rows, columns)
                previous = nil
            }
        }
        return (Int(getmaxx(shim_stdscr())), Int(getmaxy(shim_stdscr())))
    }

    private func pair(for style: Style) -> Int16 {
        guard colors else { return 0 }
        let key = PairKey(foreground: style.foreground, background: style.background)
        if key.foreground == .default && key.background == .default { return 0 }
        if let pair = pairs[key] { return pair }
        let next = Int16(pairs.count + 1)
        guard Int32(next) < COLOR_PAIRS else { return 0 }
        func number(_ color: TerminalColor) -> Int16 {
            switch color {
            case .default: -1
            case .indexed(let index): Int32(index) < COLORS ? Int16(index) : Int16(index % 8)
            }
        }
        init_pair(next, number(key.foreground), number(key.background))
        pairs[key] = next
        return next
    }

    private func attributes(for style: Style) -> attr_t {
        var attrs = shim_A_NORMAL()
        if style.bold { attrs |= shim_A_BOLD() }
        if style.reverse { attrs |= shim_A_REVERSE() }
        if style.underline { attrs |= shim_A_UNDERLINE() }
        if style.dim { attrs |= shim_A_DIM() }
        return attrs
    }

    public func draw(_ buffer: CellBuffer) {
        let screen = shim_stdscr()
        let full = previous == nil || previous!.width != buffer.width || previous!.height != buffer.height
        if full { werase(screen) }
        for y in 0..<buffer.height {
            var x = 0
            while x < buffer.width {
                let cell = buffer[x, y]
                if !full, previous![x, y] == cell { x += 1; continue }
                if cell.character.isEmpty { x += 1; continue }
                // Draw a run of changed cells with the same style in one call.
                var text = cell.character
                var end = x + 1
                while end < buffer.width {
                    let next = buffer[end, y]
                    if next.style != cell.style || (!full && previous![end, y] == next && !next.character.isEmpty) { break }
                    text += next.character
                    end += 1
                }
                wattr_set(screen, attributes(for: cell.style), pair(for: cell.style), nil)
                if y == buffer.height - 1 && end >= buffer.width {
                    // Writing the bottom-right cell scrolls some terminals: stop one short.
                    text = String(text.dropLast())
                }
                var wide = Array(text.unicodeScalars.map { wchar_t(bitPattern: $0.value) })
                wide.append(0)
                wide.withUnsafeBufferPointer { _ = mvwaddnwstr(screen, Int32(y), Int32(x), $0.baseAddress, Int32(wide.count - 1)) }
                x = end
            }
        }
        wrefresh(screen)
        previous = buffer
    }

    public func nextEvent(timeoutMilliseconds: Int) -> TerminalEvent {
        let screen = shim_stdscr()
        wtimeout(screen, Int32(timeoutMilliseconds))
        var character: wint_t = 0
        let result = wget_wch(screen, &character)
        if result == ERR { return .tick }
        if result == KEY_CODE_YES {
            switch Int32(character) {
            case KEY_UP: return .key(.up)
            case KEY_DOWN: return .key(.down)
            case KEY_LEFT: return .key(.left)
            case KEY_RIGHT: return .key(.right)
            case KEY_PPAGE: return .key(.pageUp)
            case KEY_NPAGE: return .key(.pageDown)
            case KEY_HOME: return .key(.home)
            case KEY_END: return .key(.end)
            case KEY_ENTER: return .key(.enter)
            case KEY_BACKSPACE: return .key(.backspace)
            case KEY_DC: return .key(.delete)
            case KEY_BTAB: return .key(.backTab)
            case KEY_RESIZE:
                previous = nil
                return .resize(width: size.width, height: size.height)
            case KEY_MOUSE:
                var event = MEVENT()
                guard getmouse(&event) == OK else { return .tick }
                let state = event.bstate
                if state & shim_BUTTON4_PRESSED() != 0 { return .mouse(MouseEvent(kind: .wheelUp, x: Int(event.x), y: Int(event.y))) }
                if state & shim_BUTTON5_PRESSED() != 0 { return .mouse(MouseEvent(kind: .wheelDown, x: Int(event.x), y: Int(event.y))) }
                if state & (shim_BUTTON1_PRESSED() | shim_BUTTON1_CLICKED()) != 0 {
                    return .mouse(MouseEvent(kind: .press, x: Int(event.x), y: Int(event.y)))
                }
                return .tick
            default:
                if Int32(character) >= KEY_F0 && Int32(character) <= KEY_F0 + 12 { return .key(.function(Int(Int32(character) - KEY_F0))) }
                return .tick
            }
        }
        switch character {
        case 27: return escapeSequence()
        case 10, 13: return .key(.enter)
        case 9: return .key(.tab)
        case 127, 8: return .key(.backspace)
        case 1...26: return .key(.control(Character(UnicodeScalar(UInt8(character) + 96))))
        default:
            guard let scalar = UnicodeScalar(UInt32(character)) else { return .tick }
            return .key(.character(Character(scalar)))
        }
    }

    /// After ESC: a bracketed paste, or the Escape key itself.
    private func escapeSequence() -> TerminalEvent {
        let screen = shim_stdscr()
        wtimeout(screen, 0)
        var pending: [wint_t] = []
        var character: wint_t = 0
        while pending.count < 5, wget_wch(screen, &character) != ERR { pending.append(character) }
        let start: [wint_t] = Array("[200~".unicodeScalars.map { wint_t($0.value) })
        guard pending == start else {
            // Alt+key or an unknown sequence: treat as Escape and drop the rest.
            return .key(.escape)
        }
        var text: [Character] = []
        let endMarker = Array("\u{1B}[201~")
        wtimeout(screen, 100)
        while text.count < 1_000_000, wget_wch(screen, &character) != ERR {
            guard let scalar = UnicodeScalar(UInt32(character)) else { continue }
            text.append(Character(scalar))
            if text.count >= endMarker.count, Array(text.suffix(endMarker.count)) == endMarker {
                text.removeLast(endMarker.count)
                break
            }
        }
        return .paste(String(text))
    }
}
