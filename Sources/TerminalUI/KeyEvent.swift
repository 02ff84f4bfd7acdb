/// Keys the console understands.
public enum Key: Sendable, Equatable, Hashable {
    case character(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, backspace, tab, backTab, delete
    case control(Character)
    case function(Int)
}

/// A mouse action at a cell.
public struct MouseEvent: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case press, wheelUp, wheelDown }
    public var kind: Kind
    public var x: Int
    public var y: Int

    public init(kind: Kind, x: Int, y: Int) {
        self.kind = kind
        self.x = x
        self.y = y
    }
}

/// Input from the terminal.
public enum TerminalEvent: Sendable, Equatable {
    case key(Key)
    case mouse(MouseEvent)
    /// Text pasted at once (bracketed paste, or several characters arriving together).
    case paste(String)
    case resize(width: Int, height: Int)
    /// Nothing happened within the wait.
    case tick
}
