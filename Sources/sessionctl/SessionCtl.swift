import ArgumentParser
import SessionCore

/// `sessionctl`: the administrators' command line. Argument parsing and wiring only; the
/// work happens in SessionCore.
@main
struct SessionCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessionctl",
        abstract: "Inspect, sign and verify session tokens; manage signing keys.",
        discussion: """
            Exit status: 0 success; 1 a token was rejected, an object was not found, or a \
            signing request was refused; 64 usage or input error.
            """,
        version: ProductVersion.current,
        subcommands: [
            ConsoleCommand.self, TokenCommand.self, KeysCommand.self, SessionsCommand.self, UsersCommand.self, ClientsCommand.self, AuditCommand.self,
            ServicesCommand.self, IncidentCommand.self, StoreCommand.self, DemoCommand.self,
        ],
        defaultSubcommand: ConsoleCommand.self
    )
}
