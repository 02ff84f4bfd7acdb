import ArgumentParser
import SessionCore
import JOSE
import SessionSQLite

/// `sessionctl clients …`: credentials for sessiond's OAuth endpoints.
struct ClientsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clients",
        abstract: "Client credentials for /oauth/introspect and /oauth/revoke.",
        subcommands: [ClientsAdd.self, ClientsList.self]
    )
}

/// `sessionctl clients add CLIENT_ID [--secret-stdin] --db P`
struct ClientsAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a client. Without --secret-stdin a 256-bit secret is generated and printed once, alone on stdout.",
        discussion: "Only a scrypt hash of the secret is stored; it cannot be shown again."
    )

    @OptionGroup var store: StoreOptions
    @Flag(help: "Read the secret from standard input (one trailing newline stripped).") var secretStdin = false
    @Option(help: "Who: recorded in the audit log (default: your login name).") var actor: String?
    @Argument(help: "The client id (1-64 letters, digits or . _ : -).") var clientID: String

    func validate() throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-")
        guard !clientID.isEmpty, clientID.count <= 64, clientID.allSatisfy(allowed.contains) else {
            throw ValidationError("client ids are 1-64 letters, digits or . _ : -")
        }
    }

    func run() throws {
        let secret = secretStdin ? try CommandInput.secretFromStandardInput(what: "secret") : SecureRandom.identifier(byteCount: 32)
        let db = try store.open(create: true)
        let hash = try CommandInput.storedHash(of: secret, what: "secret")
        let now = SystemClock.now()
        try withStore {
            try db.addClient(
                ClientRecord(id: clientID, secretHash: hash, createdAt: now),
                audit: AuditContext(actor: actor ?? defaultActor(), reason: "", at: now))
        }
        if secretStdin {
            printError("added client \(clientID)")
        } else {
            printError("added client \(clientID); its secret follows on stdout and is not shown again")
            printOut(secret)
        }
    }
}

/// `sessionctl clients list [--json] --db P`
struct ClientsList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List clients (never their secrets).")

    @OptionGroup var store: StoreOptions
    @Flag(help: "JSON output.") var json = false

    func run() throws {
        let db = try store.open()
        let clients = try withStore { try db.clients() }
        if json { return printJSONArray(clients.map(\.json)) }
        var table = TextTable(headers: ["CLIENT", "CREATED"])
        for client in clients { table.append([client.id, Timestamp.rfc3339(client.createdAt)]) }
        table.lines().forEach(printOut)
    }
}
