import ArgumentParser
import SessionCore

/// `sessionctl keys …`
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Generate and manage signing keys.",
        subcommands: [KeysGenerate.self]
    )
}

/// `sessionctl keys generate --alg ALG [--kid KID] [--bits N]`: a private JWK on stdout.
struct KeysGenerate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate a signing key and print it as a private JWK (with kid, alg and use).",
        discussion: "The output is secret: redirect it to a file only you can read."
    )

    @Option(help: ArgumentHelp("HS256/384/512, RS256/384/512, PS256/384/512, ES256/384/512, EdDSA or Ed25519.", valueName: "ALG"))
    var alg: String

    @Option(help: ArgumentHelp("The key id (defaults to the RFC 7638 thumbprint).", valueName: "KID"))
    var kid: String?

    @Option(help: ArgumentHelp("RSA modulus size.", valueName: "N"))
    var bits: Int = 2048

    func validate() throws {
        guard let algorithm = JWSAlgorithm(name: alg) else { throw ValidationError("unknown algorithm \"\(alg)\"") }
        if case .rsaPKCS1 = algorithm.family, !(2048...16384).contains(bits) { throw ValidationError("--bits must be 2048 to 16384") }
        if case .rsaPSS = algorithm.family, !(2048...16384).contains(bits) { throw ValidationError("--bits must be 2048 to 16384") }
        if let kid, kid.isEmpty { throw ValidationError("--kid must not be empty") }
    }

    func run() throws {
        guard let algorithm = JWSAlgorithm(name: alg) else { throw usageError("unknown algorithm \"\(alg)\"") }
        do {
            let key = try JWSKey.generate(algorithm, algorithmName: alg, kid: kid, rsaBits: bits)
            printOut(JWSONText.privateJWK(key))
        } catch {
            throw usageError(error.message)
        }
    }
}

/// The one place `sessionctl` writes private key material: `keys generate`, whose job it is.
enum JWSONText {
    static func privateJWK(_ key: JWSKey) -> String {
        JSONWriter.string(key.jwk(includePrivate: true), style: .pretty)
    }
}
