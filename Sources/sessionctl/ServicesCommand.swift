import ArgumentParser
import JOSE
import SessionCore

/// `sessionctl services …`
struct ServicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "services", abstract: "The verifiers that follow this store's keys and feed, as they report themselves.",
        subcommands: [ServicesList.self])
}

/// `sessionctl services list [--json] --db P`
struct ServicesList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List verifier instances: feed position, keys held, last contact, version.",
        discussion: """
            Each instance as it last reported through any sessiond on this store: live when heard \
            from in the last \(Int(VerifierRegistry.silentAfter)) s, silent after that, not listed after \
            \(Int(VerifierRegistry.hiddenAfter / 60)) minutes. Reports are what verifiers say about themselves; \
            "verified" means the instance authenticated with client credentials.
            """)

    @OptionGroup var store: StoreOptions
    @Flag(help: "JSON output.") var json = false

    func run() throws {
        let db = try store.open()
        let now = SystemClock.now()
        let statuses = try withStore { try VerifierStatus.all(in: db, now: now) }
        if json { return printJSONArray(statuses.map(\.json)) }
        if statuses.isEmpty { return printError("no verifier has reported in the last \(Int(VerifierRegistry.hiddenAfter / 60)) minutes") }
        var table = TextTable(headers: ["SERVICE", "INSTANCE", "STATE", "FEED", "LAG", "KEYS", "LAST CONTACT", "VERSION", "IDENTITY"])
        for status in statuses.sorted(by: { ($0.record.service, $0.record.instance) < ($1.record.service, $1.record.instance) }) {
            let record = status.record
            table.append([
                record.service, record.instance, status.liveness.rawValue, record.feedSequence.map { "#\($0)" } ?? "-", status.lagText, status.keysText,
                Timestamp.relative(record.lastSeen, now: now), record.version, record.identity,
            ])
        }
        table.lines().forEach(printOut)
    }
}
