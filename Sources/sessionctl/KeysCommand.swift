import ArgumentParser
import SessionCore
import JOSE
import SessionSQLite

/// `sessionctl keys …`
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Generate signing keys and manage the store's key ring.",
        subcommands: [KeysGenerate.self, KeysList.self, KeysRotate.self, KeysRetire.self, KeysRevoke.self, KeysJWKS.self]
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
        if algorithm.family == .rsaPKCS1 || algorithm.family == .rsaPSS, !(2048...16384).contains(bits) {
            throw ValidationError("--bits must be 2048 to 16384")
        }
        if let kid, kid.isEmpty { throw ValidationError("--kid must not be empty") }
    }

    func run() throws {
        guard let algorithm = JWSAlgorithm(name: alg) else { throw usageError("unknown algorithm \"\(alg)\"") }
        do {
            let key = try JWSKey.generate(algorithm, algorithmName: alg, kid: kid, rsaBits: bits)
            // The one place sessionctl prints private key material: it is this command's job.
            printOut(JSONWriter.string(key.jwk(includePrivate: true), style: .pretty))
        } catch {
            throw usageError(error.message)
        }
    }
}

/// `sessionctl keys list [--json] --db P`
struct KeysList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the store's signing keys, newest first.")

    @OptionGroup var store: StoreOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let db = try store.open()
        let now = SystemClock.now()
        let keys = try withStore {
            try db.retireExpiredKeys(at: now)
            return try db.signingKeys()
        }
        let lifetimes = db.lifetimes
        if json {
            printJSONArray(keys.map { $0.json(maxTokenLifetime: lifetimes.maxAccessTokenLifetime, leeway: lifetimes.leeway) })
            return
        }
        var table = TextTable(headers: ["KID", "ALG", "STATE", "CREATED", "ACTIVATED", "RETIRES"])
        for key in keys {
            let retires = key.retiresAt(maxTokenLifetime: lifetimes.maxAccessTokenLifetime, leeway: lifetimes.leeway)
            table.append([
                key.kid, key.algorithm, key.state.rawValue, Timestamp.rfc3339(key.createdAt),
                key.activatedAt.map(Timestamp.rfc3339) ?? "-", retires.map { Timestamp.relative($0, now: now) } ?? "-",
            ])
        }
        table.lines().forEach(printOut)
    }
}

/// Options shared by the key commands that create a key when none is waiting.
struct NewKeyOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Algorithm of a newly generated key (asymmetric; default: the active key's, else ES256).", valueName: "ALG"))
    var alg: String?

    func validate() throws {
        guard let alg else { return }
        guard let algorithm = JWSAlgorithm(name: alg), algorithm.isAsymmetric else {
            throw ValidationError("--alg must be an asymmetric algorithm (RS*, PS*, ES*, EdDSA)")
        }
    }

    /// The algorithm asked for, if any.
    var algorithm: JWSAlgorithm? { alg.flatMap { JWSAlgorithm(name: $0) } }
}

/// `sessionctl keys rotate --reason R --db P`
struct KeysRotate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Activate the waiting next key (or a new one); the active key starts retiring.",
        discussion: "A new key is generated only when no next key is waiting. Creates the store and its key-encryption key if there is none yet."
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var audit: AuditOptions
    @OptionGroup var newKey: NewKeyOptions

    func run() throws {
        let db = try store.open(create: true)
        let change = try withStore { try store.administration(db).changeKeys(.rotate, algorithm: newKey.algorithm, audit: audit.context()) }
        printOut("rotated: \(change.newActiveKid ?? "?") is now the active signing key")
    }
}

/// `sessionctl keys retire KID --reason R --db P`
struct KeysRetire: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "retire", abstract: "Retire a next or retiring key now (it leaves the JWKS).")

    @OptionGroup var store: StoreOptions
    @OptionGroup var audit: AuditOptions
    @Argument(help: "The key id.") var kid: String

    func run() throws {
        let db = try store.open()
        try withStore { try store.administration(db).changeKeys(.retire(kid), audit: audit.context()) }
        printOut("retired: \(kid)")
    }
}

/// `sessionctl keys revoke KID --reason R --db P`
struct KeysRevoke: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke a compromised key: out of the JWKS at once, its tokens refused.",
        discussion: "Revoking the active key activates the next key (or a new one) in the same transaction."
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var audit: AuditOptions
    @OptionGroup var newKey: NewKeyOptions
    @Argument(help: "The key id.") var kid: String

    func run() throws {
        let db = try store.open()
        let change = try withStore { try store.administration(db).changeKeys(.revoke(kid), algorithm: newKey.algorithm, audit: audit.context()) }
        printOut("revoked: \(kid)" + (change.newActiveKid.map { "; \($0) now signs" } ?? ""))
    }
}

/// `sessionctl keys jwks --db P`: the published JWKS.
struct KeysJWKS: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jwks", abstract: "Print the published JWKS (next, active and retiring keys; public members only).")

    @OptionGroup var store: StoreOptions

    func run() throws {
        let db = try store.open()
        let records = try withStore {
            try db.retireExpiredKeys(at: SystemClock.now())
            return try db.signingKeys()
        }
        printOut(JSONWriter.string(KeyRing.publishedJWKS(records), style: .pretty))
    }
}
