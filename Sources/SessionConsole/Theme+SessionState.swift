import SessionCore
import TerminalUI

extension Theme {
    /// The style of a session's row and state: active, revoked or expired.
    func style(for state: SessionState) -> Style {
        switch state {
        case .active: self[.active]
        case .revoked: self[.revoked]
        case .expired: self[.expired]
        }
    }
}
