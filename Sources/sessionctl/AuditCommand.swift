import ArgumentParser
import SessionCore
import JOSE
import SessionSQLite

/// `sessionctl audit …`
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Read the append-only audit log.", subcommands: [AuditList.self])
}

/// `sessionctl audit list [--limit N] [--json] --db P`
struct AuditList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List audit entries, newest first.")

    @OptionGroup var store: StoreOptions
    @Option(help: "At most this many entries.") var limit: Int = 100
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard (1...1_000_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 1000000") }
    }

    func run() throws {
        let db = try store.open()
        let entries = try withStore { try db.auditEntries(limit: limit, before: nil) }
        if json {
            printJSONArray(entries.map(\.json))
            return
        }
        var table = TextTable(headers: ["AT", "ACTOR", "ACTION", "TARGET", "REASON", "DETAIL"])
        for e in entries { table.append([Timestamp.rfc3339(e.at), e.actor, e.action.rawValue, e.target, e.reason, e.detail]) }
        table.lines().forEach(printOut)
    }
}
