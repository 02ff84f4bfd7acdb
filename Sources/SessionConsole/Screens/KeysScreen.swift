import JOSE
import SessionCore
import TerminalUI

/// The signing keys: states, ages, a 120-day timeline each, and the impact of acting on them.
struct KeysScreen {
    let theme: Theme

    func draw(_ state: ConsoleState, into buffer: inout CellBuffer) {
        let table = Table(
            [("KID", 22), ("ALG", 6), ("STATE", 9), ("CREATED", 11), ("ACTIVATED", 11), ("RETIRES", 10), ("TIMELINE (−120d … now)", 0)],
            total: state.width, flexible: 6)
        table.draw(table.titles(), y: 2, style: theme[.header], into: &buffer)
        let timelineWidth = table.columns[6].width
        for (index, key) in state.keys.enumerated() {
            guard 3 + index < state.height - 4 else { break }
            let retires = key.retiresAt(maxTokenLifetime: 300, leeway: 60)
            let cells = [
                key.kid, key.algorithm, key.state.rawValue,
                Timestamp.rfc3339(key.createdAt).prefix(10).description, key.activatedAt.map { Timestamp.rfc3339($0).prefix(10).description } ?? "-",
                retires.map { Timestamp.relative($0, now: state.now) } ?? "-", timeline(key, width: timelineWidth, now: state.now),
            ]
            let style: Style =
                index == state.keyCursor
                ? theme[.selection]
                : {
                    switch key.state {
                    case .active: theme[.active]
                    case .next: theme[.normal]
                    case .retiring: theme[.warning]
                    case .retired: theme[.expired]
                    case .revoked: theme[.revoked]
                    }
                }()
            table.draw(cells, y: 3 + index, style: style, into: &buffer)
        }
        if let impact = state.keyImpact {
            buffer.put(
                " impact: \(impact.liveSessions) live sessions; \(impact.recentlyUsed) used in the last 5 min may hold access tokens under the active key",
                x: 0, y: state.height - 4, style: theme[.muted])
        }
        buffer.put(" legend: ░ next  █ active  ▒ retiring  × revoked", x: 0, y: state.height - 3, style: theme[.muted])
    }

    /// A key's life on a 120-day axis ending now.
    func timeline(_ key: SigningKeyRecord, width: Int, now: Double) -> String {
        guard width > 0 else { return "" }
        let start = now - 120 * 86_400
        func column(_ t: Double) -> Int { max(0, min(width - 1, Int((t - start) / (now - start) * Double(width)))) }
        var chars = [Character](repeating: " ", count: width)
        let activeFrom = key.activatedAt ?? .infinity
        let retiringFrom = key.retiringAt ?? .infinity
        let endOfLife = key.retiredAt ?? key.revokedAt ?? now
        for i in 0..<width {
            let t = start + (Double(i) + 0.5) / Double(width) * (now - start)
            if t < key.createdAt || t > endOfLife { continue }
            chars[i] = t >= retiringFrom ? "▒" : t >= activeFrom ? "█" : "░"
        }
        if let revoked = key.revokedAt, revoked >= start { chars[column(revoked)] = "×" }
        if key.createdAt >= start, chars[column(key.createdAt)] == " " { chars[column(key.createdAt)] = "░" }
        return String(chars)
    }
}
