import ArgumentParser
import SessionCore
import JOSE

/// `sessionctl token decode [--json] (TOKEN | -)`: shows a token without verifying it.
struct TokenDecode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode a token's header and claims. Never verifies the signature."
    )

    @Flag(help: "Print {\"header\":…,\"payload\":…} as JSON.")
    var json = false

    @Argument(help: "The token, or - to read it from standard input.")
    var token: String

    func run() throws {
        let text = CommandInput.argumentOrStdin(token)
        let description: TokenDescription
        do {
            description = try TokenDescription(token: text, now: SystemClock.now())
        } catch {
            throw reject(error)
        }
        if json {
            var object = JSONObject()
            object["header"] = .object(description.header)
            object["payload"] = .object(description.claims)
            printOut(JSONWriter.string(object, style: .pretty))
            printError("note: decoded only; the signature was not verified")
            return
        }
        printOut("header:")
        printOut(JSONWriter.string(description.header, style: .pretty))
        printOut("payload:")
        printOut(JSONWriter.string(description.claims, style: .pretty))
        for time in description.times {
            printOut("  \(time.claim)  \(time.rfc3339)  (\(time.relative))")
        }
        printOut("signature: \(description.signatureByteCount) bytes, NOT verified (decode never verifies; use `sessionctl token verify`)")
        for warning in description.warnings {
            printOut("warning: \(warning)")
        }
    }
}
