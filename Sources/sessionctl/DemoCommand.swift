import ArgumentParser
import Foundation
import SessionCore
import SessionDemo
import JOSE
import SessionSQLite

/// `sessionctl demo …`
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Demo data and live demo traffic.",
        subcommands: [DemoSeed.self, DemoTrafficCommand.self])
}

/// `sessionctl demo seed [--users N] [--sessions M] [--seed S] [--now T] --db P`
struct DemoSeed: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Fill an empty store with realistic demo data (progress on stderr).",
        discussion: "The same --seed and --now give the same data. Demo users' password is \(DemoSeeder.password)."
    )

    @OptionGroup var store: StoreOptions
    @Option(help: "Users to create.") var users: Int = 200
    @Option(help: "Sessions to create, in total.") var sessions: Int = 5_000
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: ArgumentHelp("Pretend it is this time (RFC 3339), for reproducible data.", valueName: "T")) var now: String?

    func validate() throws {
        guard (1...100_000).contains(users) else { throw ValidationError("--users must be 1 to 100000") }
        guard (0...10_000_000).contains(sessions) else { throw ValidationError("--sessions must be 0 to 10000000") }
        if let now, Timestamp.parseRFC3339(now) == nil { throw ValidationError("--now must be an RFC 3339 time like 2026-01-01T00:00:00Z") }
    }

    func run() throws {
        let db = try store.open(create: true)
        let kek = try store.keyEncryptionKey(create: true)
        let at = now.flatMap(Timestamp.parseRFC3339) ?? SystemClock.now()
        let seeder = DemoSeeder(users: users, sessions: sessions, seed: seed, now: at)
        let progress = ProgressReporter()
        let summary = try withStore {
            try seeder.run(store: db, kek: kek) { phase, done, total in
                progress.report(phase == "sessions" ? "seeding sessions" : "building indexes", done: done, total: total)
            }
        }
        progress.finish()
        printOut(
            "seeded \(storeDisplayName(store.resolvedPath)): \(summary.users) users, \(summary.sessions) sessions, \(summary.refreshTokens) refresh tokens, \(summary.keys) signing keys"
        )
    }
}
