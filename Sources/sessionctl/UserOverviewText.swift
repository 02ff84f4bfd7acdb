import JOSE
import SessionCore

/// `users show` as text: the summary lines, then the recent sessions and the audit trail.
enum UserOverviewText {
    static func lines(_ overview: UserOverview, now: Double) -> [String] {
        // Stored text (the name, addresses) escaped, as TextTable escapes its cells.
        var out =
            [
                "user      \(overview.name)", "account   \(overview.accountLine)", "sessions  \(overview.sessionsLine)",
                "logins    \(overview.loginsLine)", "failures  \(overview.failuresLine(now: now))",
            ].map { JSONWriter.escapeForMessage($0, limit: 400) } + [""]
        if overview.recentSessions.isEmpty {
            out.append("no sessions")
        } else {
            var table = TextTable(headers: ["SESSION", "CLIENT", "IP", "STATE", "CREATED", "LAST USED", "EXPIRES"])
            for session in overview.recentSessions {
                table.append([
                    session.id, session.client, session.ip, session.state(at: now).rawValue, Timestamp.rfc3339(session.createdAt),
                    Timestamp.relative(session.lastUsedAt, now: now), Timestamp.rfc3339(min(session.expiresAt, session.idleExpiresAt)),
                ])
            }
            out += table.lines()
        }
        out.append("")
        if overview.audit.isEmpty {
            out.append("nothing in the audit log about \(overview.name)")
        } else {
            var table = TextTable(headers: ["AT", "ACTOR", "ACTION", "TARGET", "REASON"])
            for entry in overview.audit { table.append([Timestamp.rfc3339(entry.at), entry.actor, entry.action.rawValue, entry.target, entry.reason]) }
            out += table.lines()
        }
        return out
    }
}
