import ArgumentParser
import Foundation
import SessionCore
import JOSE
import SessionSQLite

/// `sessionctl sessions …`
struct SessionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions",
        abstract: "List, show and revoke refresh sessions.",
        subcommands: [SessionsList.self, SessionsShow.self, SessionsRevoke.self]
    )
}

extension SessionState: ExpressibleByArgument {}

/// `sessionctl sessions list [--user U] [--state S] [--limit N | --all] [--json | --format F] [--output FILE] --db P`
struct SessionsList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List sessions, newest first.",
        discussion: """
            --format csv|json|ndjson streams every matching session (with --all, not just --limit) \
            in pages, public fields only, control characters stripped, CSV cells that a spreadsheet \
            would run as formulas neutralised; --output FILE writes it under a temporary name and \
            renames it into place when complete, with progress on stderr.
            """)

    @OptionGroup var store: StoreOptions
    @Option(help: "Only this user's sessions.") var user: String?
    @Option(help: "active, revoked, expired or all (default all).") var state: String = "all"
    @Option(help: "Only addresses starting with this prefix.") var ip: String?
    @Option(help: "Only this client.") var client: String?
    @Option(
        name: .customLong("where"),
        help: "A filter, as the console's / takes it: 'user:al ip:203.0.113.0/24 created<2h -client:cli agent:~fox state:active'.")
    var filterText: String?
    @Option(help: "At most this many rows.") var limit: Int = 50
    @Flag(help: "Every matching row (with --format csv, json or ndjson).") var all = false
    @Flag(help: "Print JSON.") var json = false
    @Option(help: "table, csv, json or ndjson.") var format: String = "table"
    @Option(help: "Write the csv, json or ndjson to this file (atomically) instead of stdout.") var output: String?

    func validate() throws {
        guard state == "all" || SessionState(rawValue: state) != nil else { throw ValidationError("--state must be active, revoked, expired or all") }
        guard (1...1_000_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 1000000") }
        guard format == "table" || SessionExport.Format(rawValue: format) != nil else { throw ValidationError("--format must be table, csv, json or ndjson") }
        if all || output != nil, SessionExport.Format(rawValue: format) == nil { throw ValidationError("--all and --output need --format csv, json or ndjson") }
        if json, format != "table" { throw ValidationError("--json and --format are exclusive") }
    }

    func run() throws {
        let db = try store.open()
        let now = SystemClock.now()
        var query = try Self.query(where: filterText, now: now, limit: limit)
        query.user = user
        query.ipPrefix = ip
        query.client = client
        if let chosen = SessionState(rawValue: state) { query.require(state: chosen) }
        if let exportFormat = SessionExport.Format(rawValue: format) {
            query.limit = SessionExport.pageSize
            try export(query, from: db, now: now, format: exportFormat)
            return
        }
        let sessions = try withStore { try SessionSearch.sessions(query, in: db, now: now, bounded: false) }
        if json {
            printJSONArray(sessions.map { $0.json(now: now) })
            return
        }
        var table = TextTable(headers: ["ID", "USER", "CLIENT", "IP", "STATE", "CREATED", "LAST USED", "EXPIRES"])
        for s in sessions {
            table.append([
                s.id, s.user, s.client, s.ip, s.state(at: now).rawValue, Timestamp.rfc3339(s.createdAt),
                Timestamp.relative(s.lastUsedAt, now: now), Timestamp.relative(min(s.expiresAt, s.idleExpiresAt), now: now),
            ])
        }
        table.lines().forEach(printOut)
    }
}

extension SessionsList {
    /// The query of a `--where` filter (every session without one); exit 64 naming the
    /// column where it is wrong.
    static func query(where text: String?, now: Double, limit: Int) throws -> SessionQuery {
        guard let text else { return SessionQuery(limit: limit) }
        do {
            return try SessionFilter.parse(text).query(limit: limit, now: now)
        } catch {
            throw usageError("--where: \(error.message) at column \(error.column)")
        }
    }

    /// Streams the match to stdout, or to `--output` atomically with progress on stderr.
    private func export(_ query: SessionQuery, from db: any SessionStore, now: Double, format: SessionExport.Format) throws {
        let cap = all ? Int.max : limit
        guard let output else {
            try withStore {
                try SessionExport.run(query, in: db, now: now, format: format, cap: cap) { (text: String) throws(StoreError) in
                    FileHandle.standardOutput.write(Data(text.utf8))
                }
            }
            return
        }
        let file = try withStore { try AtomicFile(path: output) }
        // The bar's total when the store can tell it cheaply (no filter but the state); else
        // a running count.
        let counts = try withStore { try db.sessionCounts(now: now) }
        let unfiltered = user == nil && ip == nil && client == nil
        let total: Int? = !unfiltered ? nil : query.state == nil ? counts.total : query.state == .active ? counts.active : nil
        let reporter = ProgressReporter()
        let count = try withStore {
            try SessionExport.run(query, in: db, now: now, format: format, cap: cap, write: file.write) { done in
                if let total {
                    reporter.report("exporting", done: done, total: min(max(total, done), cap))
                } else {
                    reporter.report("exporting", done: done, total: done)
                }
            }
        }
        try withStore { try file.commit() }
        reporter.finish()
        printError("exported \(count) session\(count == 1 ? "" : "s") to \(output)")
    }
}

/// `sessionctl sessions show ID [--json] --db P`
struct SessionsShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one session with its refresh-token history.")

    @OptionGroup var store: StoreOptions
    @Flag(help: "Print JSON.") var json = false
    @Argument(help: "The session id.") var id: String

    func run() throws {
        let db = try store.open()
        let now = SystemClock.now()
        let (session, history) = try withStore { () throws -> (SessionRecord, [RefreshTokenRecord]) in
            guard let session = try db.session(id: id) else { throw StoreError.notFound("no session \(id)") }
            return (session, try db.refreshHistory(sessionID: id))
        }
        let family = history.map { RefreshHistoryLine(record: $0) }
        if json {
            var object = session.json(now: now)
            object["refresh_history"] = .array(family.map { .object($0.json) })
            printOut(JSONWriter.string(object, style: .pretty))
            return
        }
        for (name, value) in session.json(now: now) {
            printOut(
                "\(name.padding(toLength: 20, withPad: " ", startingAt: 0)) \(JSONWriter.escapeForMessage(value.stringValue ?? JSONWriter.string(value), limit: 200))"
            )
        }
        printOut("")
        printOut("refresh family (oldest first):")
        var table = TextTable(headers: ["TOKEN", "ISSUED", "IP", "SPENT", "NOTE"])
        for line in family { table.append(line.cells) }
        table.lines().forEach { printOut("  " + $0) }
    }
}

/// One refresh token of a history, as people read it (the hash prefix, never the token).
struct RefreshHistoryLine {
    let record: RefreshTokenRecord

    var json: JSONObject {
        var object = JSONObject()
        object["token"] = .string(record.label)
        object["issued_at"] = .string(Timestamp.rfc3339(record.issuedAt))
        object["ip"] = .string(record.issuedIP)
        if let spent = record.spentAt { object["spent_at"] = .string(Timestamp.rfc3339(spent)) }
        if let reused = record.reusedAt { object["reused_at"] = .string(Timestamp.rfc3339(reused)) }
        return object
    }

    var cells: [String] {
        [
            record.label, Timestamp.rfc3339(record.issuedAt), record.issuedIP, record.spentAt.map(Timestamp.rfc3339) ?? "live",
            record.reusedAt.map { "REUSED \(Timestamp.rfc3339($0))" } ?? "",
        ]
    }
}

/// `sessionctl sessions revoke (ID… | - | --where F [--dry-run]) --reason R --db P`
struct SessionsRevoke: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke sessions: their refresh tokens stop working and their access tokens are refused.",
        discussion: """
            With -, reads session ids from standard input, one per line, and commits each on its \
            own, printing "revoked ID" once it is durable (unknown or already ended ids are reported \
            on stderr and skipped). With --where, revokes every active session the filter matches \
            (the console's filter language), \(Administration.bulkChunk) per transaction with progress \
            on stderr, and writes one session.revoke_bulk audit entry; --dry-run only prints the \
            blast radius (no --reason needed).
            """
    )

    @OptionGroup var store: StoreOptions
    @Option(help: "Why: recorded in the audit log (required, but for --dry-run).") var reason: String?
    @Option(help: "Who: recorded in the audit log (default: your login name).") var actor: String?
    @Option(name: .customLong("where"), help: "Every active session this filter matches, e.g. 'ip:203.0.113.0/24 created<1h'.") var filterText: String?
    @Flag(help: "With --where: print what would be revoked, change nothing.") var dryRun = false
    @Argument(help: "Session ids, or - to read them from standard input.") var ids: [String] = []

    func validate() throws {
        if filterText != nil, !ids.isEmpty { throw ValidationError("give session ids or --where, not both") }
        if filterText == nil, ids.isEmpty { throw ValidationError("give at least one session id, -, or --where FILTER") }
        if dryRun, filterText == nil { throw ValidationError("--dry-run goes with --where") }
        if !dryRun, (reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--reason is required (and must not be empty)") }
    }

    /// The audit context of this run.
    var audit: AuditContext { AuditContext(actor: actor ?? defaultActor(), reason: reason ?? "", at: SystemClock.now()) }

    func run() throws {
        if let filterText { return try revokeMatching(filterText) }
        let db = try store.open()
        if ids == ["-"] { return try revokeStream(db) }
        let count = try withStore { try store.administration(db).revokeSessions(ids: ids, audit: audit) }
        if count == 0 {
            printError("refused: \(ids.count == 1 ? "session \(ids[0]) is" : "those sessions are") already revoked or expired")
            throw ExitStatus.rejected
        }
        printOut("revoked \(count) session\(count == 1 ? "" : "s")")
    }
}

extension SessionsRevoke {
    /// `--where`: the blast radius, then (unless a dry run) the bulk revocation.
    private func revokeMatching(_ text: String) throws {
        let db = try store.open(longRunning: !dryRun)
        let now = SystemClock.now()
        let query = try SessionsList.query(where: text, now: now, limit: Administration.bulkChunk)
        let administration = store.administration(db)
        let reading = ProgressReporter()
        let radius = try withStore { try administration.bulkRadius(query, now: now) { reading.counting("counting the matches", done: $0) } }
        reading.finish()
        printOut("matches: \(radius.summary)")
        for session in radius.sample { printOut("  \(session.id)  \(session.user)  \(session.client)  \(session.ip)") }
        if dryRun { return printOut("dry run: nothing revoked") }
        guard radius.sessions > 0 else { return printOut("nothing to revoke") }
        let reporter = ProgressReporter()
        let outcome = try withStore {
            try administration.revokeMatching(query, criteria: text, audit: audit) { done in
                reporter.report("revoking", done: done, total: max(radius.sessions, done))
                return true
            }
        }
        reporter.finish()
        printOut("revoked \(outcome.revoked) session\(outcome.revoked == 1 ? "" : "s") matching \(text)")
    }

    /// Revokes ids read line by line, one transaction each, reporting each commit.
    private func revokeStream(_ db: any SessionStore) throws {
        let administration = store.administration(db)
        var revoked = 0
        while let line = readLine() {
            let id = line.trimmingCharacters(in: .whitespaces)
            if id.isEmpty { continue }
            do {
                if try administration.revokeSessions(ids: [id], audit: audit) == 1 {
                    revoked += 1
                    printOut("revoked \(id)")
                } else {
                    printError("skipped \(id): already revoked or expired")
                }
            } catch .notFound(let message) {
                printError("skipped \(id): \(message)")
            } catch {
                throw storeFailure(error)
            }
        }
        printError("revoked \(revoked) session\(revoked == 1 ? "" : "s")")
    }
}
