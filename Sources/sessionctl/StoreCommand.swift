import ArgumentParser
import SessionCore
import SessionPostgres

/// `sessionctl store …`: the store itself (roles on PostgreSQL).
struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "The store itself: database roles.",
        subcommands: [StoreGrant.self])
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
