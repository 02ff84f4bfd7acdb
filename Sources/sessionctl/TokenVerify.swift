import ArgumentParser
import Foundation
import Logging
import SessionCore
import JOSE
import SessionSQLite
import SessionVerifier

/// `sessionctl token verify (--jwks FILE|URL | --jwk FILE | --db P) [--follow-revocations URL] [options] (TOKEN | -)`.
struct TokenVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a token's signature and claims.",
        discussion: """
            Accepted: exit 0 (with --json, the payload on stdout). Rejected: exit 1, nothing \
            on stdout, and "rejected: <code>: <detail>" on stderr.
            With --jwks http(s)://…, the keys are fetched the way a service's SessionVerifier \
            fetches them; --follow-revocations URL (sessiond's /revocations) also applies the \
            revocation feed, so a revoked session, jti, user or key is "revoked". A URL that \
            cannot be read exits 64.
            """
    )

    @Option(name: .customLong("jwks"), help: ArgumentHelp("A JWK Set file, or an http(s) URL, to choose the key from.", valueName: "FILE|URL"))
    var jwksPath: String?

    @Option(name: .customLong("follow-revocations"), help: ArgumentHelp("sessiond's revocation feed URL (with --jwks URL).", valueName: "URL"))
    var feedURL: String?

    @Option(name: .customLong("jwk"), help: ArgumentHelp("A single JWK file.", valueName: "FILE"))
    var jwkPath: String?

    @Option(name: .customLong("db"), help: ArgumentHelp("Verify against a store's key ring and revocation state.", valueName: "PATH"))
    var dbPath: String?

    @Option(help: "Require this iss.")
    var issuer: String?

    @Option(help: "Require this member of aud.")
    var audience: String?

    @Option(help: ArgumentHelp("Seconds of clock skew allowed for exp, nbf and iat.", valueName: "SECONDS"))
    var leeway: Double = 0

    @Option(help: ArgumentHelp("Accept only these algorithms (comma separated).", valueName: "A,B"))
    var algorithms: String?

    @Option(help: ArgumentHelp("Require this header typ (e.g. at+jwt).", valueName: "T"))
    var typ: String?

    @Flag(help: "Print the payload as JSON when the token is accepted.")
    var json = false

    @Argument(help: "The token, or - to read it from standard input.")
    var token: String

    func validate() throws {
        guard [jwksPath, jwkPath, dbPath].compactMap({ $0 }).count == 1 else {
            throw ValidationError("give exactly one of --jwks FILE, --jwk FILE or --db PATH")
        }
        guard leeway.isFinite, leeway >= 0, leeway <= 86_400 else {
            throw ValidationError("--leeway must be between 0 and 86400 seconds")
        }
        if let algorithms, case .failure(let error) = JWSAlgorithm.parseList(algorithms) {
            throw ValidationError("--algorithms: \(error.message)")
        }
        if feedURL != nil, remoteJWKS == nil { throw ValidationError("--follow-revocations needs --jwks URL") }
        if let feedURL, Self.httpURL(feedURL) == nil { throw ValidationError("--follow-revocations must be an http(s) URL") }
    }

    /// The JWKS URL when `--jwks` names one.
    private var remoteJWKS: URL? { jwksPath.flatMap(Self.httpURL) }

    private static func httpURL(_ text: String) -> URL? {
        guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else { return nil }
        return url
    }

    private var options: VerificationOptions {
        var options = VerificationOptions(issuer: issuer, audience: audience, leeway: leeway, type: typ)
        if let algorithms, case .success(let list) = JWSAlgorithm.parseList(algorithms) {
            options.algorithms = Set(list)
        }
        return options
    }

    func run() async throws {
        if let url = remoteJWKS { return try await verifyRemotely(jwks: url) }
        let store = try dbPath.map { try openStore($0) }
        let keys: JWKSet
        if let store {
            keys = KeyRing.verificationSet(try withStore { try store.signingKeys() })
        } else {
            keys = try loadKeys()
        }
        let text = CommandInput.argumentOrStdin(token)
        let verified: VerifiedToken
        do {
            verified = try JWSVerifier.verify(text, keys: keys, options: options, now: SystemClock.now())
        } catch {
            throw reject(error)
        }
        if let store { try checkRevocation(verified, store: store) }
        report(claims: verified.claims, signedBy: "\(verified.algorithm.rawValue) signature by key \(verified.key.kid)")
    }

    /// Prints an accepted token: the payload alone with --json, else a summary line and it.
    private func report(claims: JSONObject, signedBy: String) {
        if json {
            printOut(JSONWriter.string(claims, style: .pretty))
            return
        }
        var summary = "valid: \(signedBy)"
        if let exp = claims["exp"]?.doubleValue {
            summary += "; expires \(Timestamp.rfc3339(exp)) (\(Timestamp.relative(exp, now: SystemClock.now())))"
        }
        printOut(summary)
        printOut(JSONWriter.string(claims, style: .pretty))
    }

    /// Verifies through `SessionVerifier`, as a service would: keys from the URL, and the
    /// revocation feed when `--follow-revocations` names it.
    private func verifyRemotely(jwks: URL) async throws {
        var quiet = Logger(label: "sessionctl")
        quiet.logLevel = .critical
        let configuration = VerifierConfiguration(
            jwksURL: jwks, revocationFeedURL: feedURL.flatMap(Self.httpURL), issuer: issuer, audience: audience,
            algorithms: options.algorithms, leeway: leeway, type: typ, cacheCapacity: 0)
        let verifier = TokenVerifier(configuration: configuration, logger: quiet)
        await verifier.synchronize()
        if let feedURL, verifier.revocationState.syncedAt == nil { throw usageError("cannot read the revocation feed \(feedURL)") }
        let text = CommandInput.argumentOrStdin(token)
        do {
            let accepted = try await verifier.verify(text)
            report(claims: accepted.claims, signedBy: "signature by key \(accepted.keyID) from \(jwks.absoluteString)")
        } catch {
            switch error {
            case .rejected(let rejection): throw reject(rejection)
            case .unavailable(let why): throw usageError(why)
            }
        }
    }

    /// `revoked` when the store says the session, jti, user cutoff or key is revoked. A
    /// token verified against a revoked key is a security event and is audited.
    private func checkRevocation(_ token: VerifiedToken, store: any SessionStore) throws {
        let claims = token.claims
        let verdict = try withStore {
            try store.revocationVerdict(
                sessionID: claims["sid"]?.stringValue, tokenID: claims["jti"]?.stringValue,
                user: claims["sub"]?.stringValue, issuedAt: claims["iat"]?.doubleValue, kid: token.key.kid)
        }
        guard let verdict else { return }
        if case .key(let kid) = verdict {
            try? store.appendAudit(
                AuditEntry(
                    at: SystemClock.now(), actor: defaultActor(), action: .verifyRevokedKey, target: kid,
                    reason: "a token signed by a revoked key was presented",
                    detail:
                        "sub \(JSONWriter.escapeForMessage(claims["sub"]?.stringValue ?? "-")), jti \(JSONWriter.escapeForMessage(claims["jti"]?.stringValue ?? "-"))"
                ))
        }
        throw reject(TokenRejection(.revoked, verdict.description))
    }

    private func loadKeys() throws -> JWKSet {
        do {
            if let jwksPath {
                let set = try JWKSet(json: try CommandInput.file(jwksPath, what: "JWKS"))
                for reason in set.skipped { printError("warning: skipped \(reason)") }
                guard !set.keys.isEmpty || !set.invalid.isEmpty else { throw usageError("JWKS \(jwksPath) has no usable signing key") }
                return set
            }
            // An invalid key (e = 1, a point off its curve) verifies nothing: its tokens are weak_key.
            return try JWKSet(jwkJSON: try CommandInput.file(jwkPath ?? "", what: "JWK"))
        } catch let error as JOSEInputError {
            throw usageError(error.message)
        }
    }
}
