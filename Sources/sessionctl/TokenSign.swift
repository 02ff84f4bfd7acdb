import ArgumentParser
import Foundation
import SessionCore
import JOSE
import SessionSQLite

/// `sessionctl token sign --jwk FILE [--alg ALG] [--typ TYP] [--kid KID] (CLAIMS_JSON | -)`.
struct TokenSign: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign a JSON claim set as a compact JWS.",
        discussion: """
            The algorithm is --alg, else the JWK's "alg". A weak key, a key/alg mismatch or \
            "none" is refused with exit 1.
            """
    )

    @Option(name: .customLong("jwk"), help: ArgumentHelp("The private JWK to sign with.", valueName: "FILE"))
    var jwkPath: String?

    @Option(name: .customLong("db"), help: ArgumentHelp("Sign with the store's active key.", valueName: "PATH"))
    var dbPath: String?

    @Option(help: ArgumentHelp("The algorithm (defaults to the JWK's alg).", valueName: "ALG"))
    var alg: String?

    @Option(help: ArgumentHelp("The header typ.", valueName: "TYP"))
    var typ: String = "JWT"

    @Option(help: ArgumentHelp("The header kid (defaults to the JWK's kid or thumbprint).", valueName: "KID"))
    var kid: String?

    @Argument(help: ArgumentHelp("The claims as a JSON object, or - to read them from standard input.", valueName: "CLAIMS_JSON"))
    var claims: String

    func validate() throws {
        guard (jwkPath == nil) != (dbPath == nil) else { throw ValidationError("give exactly one of --jwk FILE or --db PATH") }
    }

    func run() throws {
        var algorithm: JWSAlgorithm?
        if let alg {
            if alg.lowercased() == "none" {
                printError("refused: alg \"none\" makes an unsigned token; it is never signed")
                throw ExitStatus.rejected
            }
            guard let parsed = JWSAlgorithm(name: alg) else { throw usageError("unknown algorithm \"\(alg)\"") }
            algorithm = parsed
        }
        let key = try dbPath.map(activeKey) ?? fileKey(jwkPath ?? "")
        let text = CommandInput.argumentOrStdin(claims, limit: CommandInput.fileLimit)
        let object: JSONObject
        do {
            object = try JSONReader.parseObject(Array(text.utf8))
        } catch {
            throw usageError("claims are not a JSON object: \(error)")
        }
        if object["exp"] == nil { printError("warning: the claims have no exp; verifiers refuse such tokens") }
        do {
            printOut(try JWSSigner.sign(object, key: key, algorithm: algorithm, algorithmName: alg, type: typ.isEmpty ? nil : typ, kid: kid))
        } catch {
            printError("refused: \(error.message)")
            throw ExitStatus.rejected
        }
    }

    private func fileKey(_ path: String) throws -> JWSKey {
        do {
            return try JWSKey(jwkJSON: try CommandInput.file(path, what: "JWK"))
        } catch let error as JOSEInputError {
            throw usageError(error.message)
        }
    }

    /// The store's active key, unsealed with the key-encryption key.
    private func activeKey(_ path: String) throws -> JWSKey {
        let store = try openStore(path)
        return try withStore {
            guard let record = try store.signingKeys().first(where: { $0.state == .active }) else {
                throw StoreError.refused("the store has no active signing key (run `sessionctl keys rotate`)")
            }
            let kek = try KeyEncryptionKey.load(environment: ProcessInfo.processInfo.environment, storePath: path, create: false).key
            return try KeyRing.signingKey(record, kek: kek)
        }
    }
}
