import ArgumentParser
import SessionCore
import SessionPostgres

/// `sessionctl store …`: the store itself (roles on PostgreSQL).
struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "The store itself: copy it to another store, database roles.",
        subcommands: [StoreCopyCommand.self, StoreGrant.self])
}

/// `sessionctl store grant --db OWNER_URI --service ROLE [--read-only ROLE]`
struct StoreGrant: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grant",
        abstract: "Give existing PostgreSQL roles the service or read-only privileges on the store.",
        discussion: """
            Run as the store's owner. The service role reads and writes rows, with no DDL, and may only \
            append to the audit log; the read-only role reads everything but the sealed private keys, \
            password hashes and client secret hashes. Create the roles first (CREATE ROLE … LOGIN).
            """)

    @OptionGroup var store: StoreOptions
    @Option(help: ArgumentHelp("The role sessiond and administrators connect as.", valueName: "ROLE")) var service: String?
    @Option(name: .customLong("read-only"), help: ArgumentHelp("The role support staff connect as.", valueName: "ROLE")) var readOnly: String?

    func validate() throws {
        guard service != nil || readOnly != nil else { throw ValidationError("give --service ROLE, --read-only ROLE or both") }
        guard StoreAddress.isPostgres(store.resolvedPath) else { throw ValidationError("roles are a PostgreSQL matter: --db takes a postgres:// URI") }
    }

    func run() throws {
        guard let db = try store.open() as? PostgresSessionStore else { throw usageError("roles are a PostgreSQL matter") }
        for statement in try withStore({ try db.grantRoles(service: service, readOnly: readOnly) }) { printOut(statement) }
    }
}

/// `sessionctl store copy --from SOURCE --to TARGET`
struct StoreCopyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a whole store into an empty one (SQLite to PostgreSQL, or back).",
        discussion: """
            Users with their password hashes, sessions with their refresh-token hashes, clients, signing \
            keys (still sealed: the target needs the same SESSION_KEK), the revocation feed with its \
            sequence numbers (verifiers following it do not notice the move) and the audit log. A target \
            that holds anything is refused; the counts are compared at the end.
            """)

    @Option(help: ArgumentHelp("The store to copy: a SQLite file or a postgres:// URI.", valueName: "PATH|URI")) var from: String
    @Option(help: ArgumentHelp("The empty store to fill (a SQLite file is created).", valueName: "PATH|URI")) var to: String

    func run() throws {
        guard let source = try openStore(from) as? any TransferableStore, let target = try openStore(to, create: true) as? any TransferableStore else {
            throw usageError("these stores cannot be copied")
        }
        let progress = ProgressReporter()
        let counts = try withStore {
            try StoreCopy.copy(from: source, to: target) { part, done, total in progress.report("copying \(part.rawValue)", done: done, total: total) }
        }
        progress.finish()
        printOut("copied \(storeDisplayName(from)) to \(storeDisplayName(to)): \(counts)")
    }
}
