import ArgumentParser
import Foundation
import JOSE
import SessionCore

/// `sessionctl incident user|session|key …`: contain a compromise and watch every verifier
/// apply it.
struct IncidentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incident", abstract: "Contain a compromised user, session or signing key, and wait until every verifier applied it.",
        discussion: """
            Prints the blast radius, acts (each act audited, plus one incident entry), then follows the \
            verifiers' reports until every live instance has applied the revocation (feed position at or \
            past its event and, for a key, the kid no longer held) or --wait runs out. Exit 0: contained; \
            1: not contained within --wait (the laggards are named), or the target does not exist \
            (nothing is written); 64: bad input. What "applied" means is as reported by the verifiers.
            """,
        subcommands: [IncidentUser.self, IncidentSession.self, IncidentKey.self])
}

/// The options every incident takes.
struct IncidentOptions: ParsableArguments {
    @OptionGroup var store: StoreOptions
    @OptionGroup var audit: AuditOptions
    @Option(help: "Seconds to wait for every live verifier to apply it.") var wait: Double = 10
    @Flag(help: "JSON output: one object with the blast radius, the acts and the outcome.") var json = false

    func validate() throws {
        guard wait >= 0, wait <= 3_600 else { throw ValidationError("--wait must be between 0 and 3600 seconds") }
    }

    /// Measures, acts, follows the verifiers, records the outcome; exits 1 when not contained.
    func run(_ incident: Incident) throws {
        let db = try store.open()
        let administration = store.administration(db)
        let context = audit.context()
        let radius = try withStore { try BlastRadius.measure(incident, in: db, now: context.at) }
        if !json { printOut("blast radius: \(radius.summary)") }
        let act = try withStore { try administration.contain(incident, radius: radius, audit: context) }
        if !json { printOut("\(act.summary); every verifier must apply feed #\(act.sequence)" + (incident.kid.map { " and drop \($0)" } ?? "")) }
        var progress = ContainmentProgress(sequence: act.sequence, kid: incident.kid, startedAt: context.at)
        var reported: [String: ContainmentProgress.State] = [:]
        while true {
            let now = SystemClock.now()
            progress.observe(try withStore { try VerifierStatus.all(in: db, now: now) }, now: now)
            if !json { reportChanges(progress, &reported) }
            if progress.contained || now - context.at >= wait { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        try withStore { try administration.recordOutcome(of: incident, progress, audit: audit.context()) }
        if json {
            var object = JSONObject(["incident": .string(incident.description), "blast_radius": .object(radius.json), "acts": .string(act.summary)])
            object["outcome"] = .object(progress.json)
            printOut(JSONWriter.string(.object(object), style: .pretty))
        } else {
            printOut(progress.line)
        }
        if !progress.contained { throw ExitStatus.rejected }
    }

    /// One line per instance whose state changed since the last look.
    private func reportChanges(_ progress: ContainmentProgress, _ reported: inout [String: ContainmentProgress.State]) {
        for instance in progress.instances {
            let name = "\(instance.service)/\(instance.instance)"
            guard reported[name] != instance.state else { continue }
            reported[name] = instance.state
            switch instance.state {
            case .applied: printOut("  \(name): applied after \(Int(((instance.appliedAfter ?? 0) * 1000).rounded())) ms")
            case .waiting: printOut("  \(name): waiting (\(instance.note.isEmpty ? "reported" : instance.note))")
            case .stale: printOut("  \(name): STALE (\(instance.note))")
            case .silent: printOut("  \(name): silent, not counted (\(instance.note))")
            }
        }
    }
}

/// `sessionctl incident user NAME --reason R [--disable]`
struct IncidentUser: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "A user's tokens are stolen: cutoff plus every session revoked (and the account disabled with --disable).")

    @OptionGroup var options: IncidentOptions
    @Flag(help: "Also disable the account, so the stolen password cannot log in again.") var disable = false
    @Argument(help: "The user name.") var user: String

    func run() throws { try options.run(Incident(.user(user), disableUser: disable)) }
}

/// `sessionctl incident session ID --reason R`
struct IncidentSession: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "session", abstract: "One session is stolen: it is revoked.")

    @OptionGroup var options: IncidentOptions
    @Argument(help: "The session id.") var id: String

    func run() throws { try options.run(Incident(.session(id))) }
}

/// `sessionctl incident key KID --reason R [--revoke-sessions]`
struct IncidentKey: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key", abstract: "A signing key leaked: it is revoked, the next key signs, a fresh key is published as next.")

    @OptionGroup var options: IncidentOptions
    @Flag(help: "Also revoke every active session used while the key's access tokens may be live.") var revokeSessions = false
    @Argument(help: "The key id.") var kid: String

    func run() throws { try options.run(Incident(.key(kid), revokeKeySessions: revokeSessions)) }
}
