import ArgumentParser
import SessionCore
import JOSE
import SessionSQLite

/// `sessionctl users …`
struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Add users, show one user's whole picture, and revoke everything a user holds.",
        subcommands: [UsersAdd.self, UsersShow.self, UsersDisable.self, UsersEnable.self, UsersRevoke.self]
    )
}

/// `sessionctl users add USER --password-stdin --db P`
struct UsersAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a user; the password is read from standard input (one trailing newline stripped).")

    @OptionGroup var store: StoreOptions
    @Flag(help: "Read the password from standard input.") var passwordStdin = false
    @Option(help: "Who: recorded in the audit log (default: your login name).") var actor: String?
    @Argument(help: "The user name.") var user: String

    func validate() throws {
        guard passwordStdin else { throw ValidationError("give --password-stdin and the password on standard input") }
        guard !user.isEmpty, user.count <= 256, !user.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw ValidationError("user names are 1 to 256 characters without control characters")
        }
    }

    func run() throws {
        let password = try CommandInput.secretFromStandardInput(what: "password")
        let db = try store.open(create: true)
        let hash = try CommandInput.storedHash(of: password, what: "password")
        let now = SystemClock.now()
        try withStore {
            try db.addUser(
                UserRecord(name: user, passwordHash: hash, createdAt: now),
                audit: AuditContext(actor: actor ?? defaultActor(), reason: "", at: now))
        }
        printOut("added user \(user)")
    }
}

/// `sessionctl users show USER [--json] --db P`
struct UsersShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "One user: account, sessions by state, login throttle and recent failures, recent sessions, audit trail.",
        discussion:
            "The console's user view (u on a session, or :user NAME) as text or JSON. Exit 1 when there is neither an account nor a session of that name.")

    @OptionGroup var store: StoreOptions
    @Flag(help: "JSON output.") var json = false
    @Argument(help: "The user name.") var user: String

    func run() throws {
        let db = try store.open()
        let now = SystemClock.now()
        let overview = try withStore { try UserOverview.load(user, from: db, now: now) }
        if json { return printOut(JSONWriter.string(.object(overview.json), style: .pretty)) }
        UserOverviewText.lines(overview, now: now).forEach(printOut)
    }
}

/// `sessionctl users revoke USER --reason R --db P`
struct UsersRevoke: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke", abstract: "Revoke every session of a user and refuse every token issued to them until now.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var audit: AuditOptions
    @Argument(help: "The user name.") var user: String

    func run() throws {
        let db = try store.open()
        let count = try withStore { try store.administration(db).revokeUser(user, audit: audit.context()) }
        printOut("revoked \(user): \(count) active session\(count == 1 ? "" : "s") ended; earlier tokens refused")
    }
}

/// `sessionctl users disable USER --reason R --db P`
struct UsersDisable: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disable", abstract: "Stop a user from logging in (existing sessions stay; use revoke to end them).")

    @OptionGroup var store: StoreOptions
    @OptionGroup var audit: AuditOptions
    @Argument(help: "The user name.") var user: String

    func run() throws { try setDisabled(true, user: user, store: store, audit: audit) }
}

/// `sessionctl users enable USER --reason R --db P`
struct UsersEnable: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "enable", abstract: "Let a disabled user log in again.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var audit: AuditOptions
    @Argument(help: "The user name.") var user: String

    func run() throws { try setDisabled(false, user: user, store: store, audit: audit) }
}

/// `users disable` and `users enable`: one store call, audited.
private func setDisabled(_ disabled: Bool, user: String, store: StoreOptions, audit: AuditOptions) throws {
    let db = try store.open()
    try withStore { try db.setUserDisabled(user, disabled: disabled, audit: audit.context()) }
    printOut("\(disabled ? "disabled" : "enabled") \(user)")
}
