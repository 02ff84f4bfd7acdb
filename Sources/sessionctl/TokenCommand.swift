import ArgumentParser

/// `sessionctl token …`
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Decode, verify and sign JWTs.",
        subcommands: [TokenDecode.self, TokenVerify.self, TokenSign.self]
    )
}
