import Foundation
import SessionCore
import JOSE
import SessionPostgres
import SessionSQLite

// make bench: every figure is a ratio against a baseline measured in this same run.
// `jose-bench console-memory PATH SESSIONS` runs only the console on a store (a child process,
// so its resident memory is the console's alone).
if CommandLine.arguments.count == 4, CommandLine.arguments[1] == "console-memory" {
    let path = CommandLine.arguments[2]
    let store: any SessionStore =
        StoreAddress.isPostgres(path) ? try PostgresSessionStore(PostgresLocation(path)) : try SQLiteSessionStore(path: path, create: false)
    let result = ConsoleBenchmarks.run(store: store, path: path, sessions: Int(CommandLine.arguments[3]) ?? 0)
    print(String(format: "%.0f %.1f %.1f %.1f", result.firstFrameMilliseconds, result.keystrokeP50, result.keystrokeP95, result.residentMegabytes))
    exit(0)
}
// `jose-bench bulk-feed` runs only the bulk-revocation catch-up of a verifier.
if CommandLine.arguments.count == 2, CommandLine.arguments[1] == "bulk-feed" {
    printBulkFeed(try await BulkFeedBenchmarks.run())
    exit(0)
}
func printBulkFeed(_ r: BulkFeedBenchmarks.Result) {
    print(
        "- a bulk revocation of \(r.events) sessions reaching a verifier (per-session events, pages of 1,000): caught up in "
            + String(
                format: "%.2f s over %d requests; +%.1f MB resident for the denylist; cached verify with it in place: %.0f/s", r.catchUpSeconds, r.requests,
                r.residentDeltaMegabytes, r.cachedVerifiesPerSecond)
            + " — targets ≤ 5 s and ≤ 64 MB: " + (r.catchUpSeconds <= 5 && r.residentDeltaMegabytes <= 64 ? "met" : "**missed**"))
}
// `jose-bench bulk-revoke [FILTER]` runs only the bulk revocation on a copy of the 1,000,000-session store.
func printBulkRevoke(_ r: BulkRevokeBenchmarks.Result) {
    print(
        "- revoking every active session matching `\(r.filter)` on a copy of the 1,000,000-session SQLite store: \(r.matched) sessions; blast radius read in "
            + String(
                format:
                    "%.2f s; revoked in %.2f s (%.0f sessions/s, %d per transaction); a chunk (read, revoke, commit) p50 %.0f ms, p99 %.0f ms, longest %.0f ms",
                r.radiusSeconds, r.revokeSeconds, Double(r.matched) / max(r.revokeSeconds, 0.001), Administration.bulkChunk, r.medianChunkMilliseconds,
                r.p99ChunkMilliseconds, r.longestChunkMilliseconds))
}
if (2...3).contains(CommandLine.arguments.count), CommandLine.arguments[1] == "bulk-revoke" {
    let folder = ProcessInfo.processInfo.environment["BENCH_DATA"] ?? ".data"
    printBulkRevoke(
        try BulkRevokeBenchmarks.run(
            seed: folder + "/seed-1000000.sqlite", filter: CommandLine.arguments.count == 3 ? CommandLine.arguments[2] : "ip:203.0.113.0/24"))
    exit(0)
}
// `jose-bench verifier` runs only the SessionVerifier cache benchmark.
if CommandLine.arguments.count == 2, CommandLine.arguments[1] == "verifier" {
    let result = try await VerifierBenchmarks.run()
    print("SessionVerifier cached: \(rate(result.cached)); full verify: \(rate(result.fullVerify)); sha256: \(rate(result.sha256))")
    exit(0)
}
// `jose-bench profile ALG [sign]` only loops SessionCore's verify (or sign) for ALG (for perf / callgrind).
if (3...4).contains(CommandLine.arguments.count), CommandLine.arguments[1] == "profile", let algorithm = JWSAlgorithm(name: CommandLine.arguments[2]) {
    let key = try JWSKey.generate(algorithm, kid: "bench")
    let keys = JWKSet(keys: [key])
    let claims = JOSEBenchmarks.claims()
    let token = try JWSSigner.sign(claims, key: key, type: "JWT")
    let options = VerificationOptions(issuer: "https://auth.example", audience: "orders")
    if CommandLine.arguments.last == "keysign" {
        let input = Array(token.split(separator: ".").prefix(2).joined(separator: ".").utf8)
        let measured = try opsPerSecond(rounds: 8, seconds: 0.5) { _ = try input.withUnsafeBytes { try key.sign(algorithm, input: $0) } }
        print("\(algorithm.rawValue) key.sign only: \(rate(measured))")
    } else if CommandLine.arguments.last == "sign" {
        let measured = try opsPerSecond(rounds: 8, seconds: 0.5) { _ = try JWSSigner.sign(claims, key: key, type: "JWT") }
        print("\(algorithm.rawValue) sign: \(rate(measured))")
    } else {
        let measured = try opsPerSecond(rounds: 8, seconds: 0.5) { _ = try JWSVerifier.verify(token, keys: keys, options: options, now: JOSEBenchmarks.now) }
        print("\(algorithm.rawValue) verify: \(rate(measured))")
    }
    exit(0)
}
/// The JOSE rows for `algorithms`: sign and verify, raw OpenSSL · SessionCore · jwt-kit.
func joseTable(_ algorithms: [JWSAlgorithm]) async throws -> [JOSEBenchmarks.Result] {
    print(row(["alg", "op", "raw OpenSSL", "SessionCore", "jwt-kit", "ours ÷ raw", "ours ÷ jwt-kit"]))
    print(row(["---", "---", "---:", "---:", "---:", "---:", "---:"]))
    var results: [JOSEBenchmarks.Result] = []
    for algorithm in algorithms {
        let r = try await JOSEBenchmarks.run(algorithm)
        print(row([r.algorithm, "sign", rate(r.rawSign), rate(r.oursSign), rate(r.kitSign), ratio(r.oursSign, r.rawSign), ratio(r.oursSign, r.kitSign)]))
        print(
            row([
                r.algorithm, "verify", rate(r.rawVerify), rate(r.oursVerify), rate(r.kitVerify), ratio(r.oursVerify, r.rawVerify),
                ratio(r.oursVerify, r.kitVerify),
            ]))
        results.append(r)
    }
    return results
}
// `jose-bench peers DIR` measures SessionCore, the bare primitive and raw OpenSSL on the peer benchmark's keys.
if CommandLine.arguments.count == 3, CommandLine.arguments[1] == "peers" {
    try PeerBenchmarks.run(folder: CommandLine.arguments[2])
    exit(0)
}
// `jose-bench jose ALG…` prints only the JOSE rows of those algorithms.
if CommandLine.arguments.count >= 3, CommandLine.arguments[1] == "jose" {
    _ = try await joseTable(CommandLine.arguments.dropFirst(2).compactMap { JWSAlgorithm(name: $0) })
    exit(0)
}
let folder = ProcessInfo.processInfo.environment["BENCH_DATA"] ?? ".data"
/// The PostgreSQL server `make bench` starts, if any.
let postgresAdmin = ProcessInfo.processInfo.environment["BENCH_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
/// The PostgreSQL rows: the store's rotation against raw libpq, and its group commit.
func postgresRows(_ admin: String) throws {
    let pg = try PostgresBenchmarks.rotation(admin: admin)
    print(
        "- refresh rotation through SessionPostgres: \(rate(pg.store)); the same statements by raw libpq: \(rate(pg.raw)); ratio \(ratio(pg.store, pg.raw)) (target ≥ 0.8×) — \(verdict(pg.store / pg.raw, atLeast: 0.8))"
    )
    print(
        "- group-committed 32 per transaction: \(rate(pg.grouped)) = \(ratio(pg.grouped, pg.raw)) the raw one-per-transaction rate (target ≥ 2×) — \(verdict(pg.grouped / pg.raw, atLeast: 2))"
    )
}
// `jose-bench postgres` runs only the PostgreSQL store comparison.
if CommandLine.arguments.count == 2, CommandLine.arguments[1] == "postgres" {
    guard let postgresAdmin else { fatalError("set BENCH_POSTGRES to an administrative libpq URI") }
    try postgresRows(postgresAdmin)
    exit(0)
}
/// The group-committed rotation rate of this run, for the service benchmark's ratio
/// (`Benchmarks/service/run.sh` reads it from `<BENCH_DATA>/group-commit-rate`).
func recordGroupCommit(_ perSecond: Double) throws {
    try String(Int(perSecond)).write(toFile: folder + "/group-commit-rate", atomically: true, encoding: .utf8)
}
// `jose-bench rotation` runs only the refresh-rotation comparison.
if CommandLine.arguments.count == 2, CommandLine.arguments[1] == "rotation" {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let rotation = try StoreBenchmarks.rotation(folder: folder)
    let grouped = try StoreBenchmarks.groupCommit(folder: folder)
    try recordGroupCommit(grouped)
    print("store \(rate(rotation.store)); raw \(rate(rotation.raw)); \(ratio(rotation.store, rotation.raw)); group-committed \(rate(grouped))")
    exit(0)
}
try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
let machine = "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.physicalMemory / 1_073_741_824) GiB"
print("# Benchmarks (\(Timestamp.rfc3339(Date().timeIntervalSince1970)), \(machine), release build)\n")

print("## JOSE: raw OpenSSL (the limit) · SessionCore · jwt-kit 5.8.0\n")
let jose = try await joseTable([.hs256, .rs256, .ps256, .es256, .edDSA])
let hs = jose.first { $0.algorithm == "HS256" }!
let rs = jose.first { $0.algorithm == "RS256" }!
print("\nTargets:")
print("- HS256 verify ≥ 0.5× raw HMAC: \(ratio(hs.oursVerify, hs.rawVerify)) — \(verdict(hs.oursVerify / hs.rawVerify, atLeast: 0.5))")
print("- HS256 verify ≥ 10× jwt-kit: \(ratio(hs.oursVerify, hs.kitVerify)) — \(verdict(hs.oursVerify / hs.kitVerify, atLeast: 10))")
for r in jose where r.algorithm != "HS256" {
    print(
        "- \(r.algorithm) sign ≥ 0.9× raw: \(ratio(r.oursSign, r.rawSign)) — \(verdict(r.oursSign / r.rawSign, atLeast: 0.9)); verify ≥ 0.9× raw: \(ratio(r.oursVerify, r.rawVerify)) — \(verdict(r.oursVerify / r.rawVerify, atLeast: 0.9))"
    )
}
print("- RS256 sign ≥ 2× jwt-kit: \(ratio(rs.oursSign, rs.kitSign)) — \(verdict(rs.oursSign / rs.kitSign, atLeast: 2))")
for (name, one, two) in try JOSEBenchmarks.scaling() {
    print("- \(name) verify on two threads ≥ 1.8× one: \(rate(one)) → \(rate(two)) = \(ratio(two, one)) — \(verdict(two / one, atLeast: 1.8))")
}

let bulkFeed = try await BulkFeedBenchmarks.run()
let verifier = try await VerifierBenchmarks.run()
print(
    "- SessionVerifier on a repeated ES256 token (cache hit; exp and a \(verifier.revocations)-entry denylist checked): \(rate(verifier.cached)); a full ES256 verify: \(rate(verifier.fullVerify)) (\(ratio(verifier.cached, verifier.fullVerify))); SHA-256 of the token alone: \(rate(verifier.sha256)) — target ≥ 1,000,000/s: \(verdict(verifier.cached / 1_000_000, atLeast: 1))"
)
printBulkFeed(bulkFeed)

print("\n## Store\n")
let rotation = try StoreBenchmarks.rotation(folder: folder)
print(
    "- refresh rotation through the store: \(rate(rotation.store)); raw SQLite UPDATE+INSERT transaction: \(rate(rotation.raw)); ratio \(ratio(rotation.store, rotation.raw)) (target ≥ 0.7×) — \(verdict(rotation.store / rotation.raw, atLeast: 0.7))"
)
let grouped = try StoreBenchmarks.groupCommit(folder: folder)
try recordGroupCommit(grouped)
print(
    "- the same rotations group-committed 32 per transaction (what sessiond does under load): \(rate(grouped)) = \(ratio(grouped, rotation.raw)) the raw one-per-transaction baseline"
)
if let postgresAdmin {
    print("\n## PostgreSQL store (one server on this machine, synchronous_commit on)\n")
    try postgresRows(postgresAdmin)
}
let sessions = Int(ProcessInfo.processInfo.environment["BENCH_SESSIONS"] ?? "") ?? 1_000_000
let (big, bigPath) = try StoreBenchmarks.seeded(folder: folder, sessions: sessions)
print("\nQueries on \(sessions) sessions (best of 7):\n")
print(row(["query", "ms"]))
print(row(["---", "---:"]))
for (name, ms) in try StoreBenchmarks.queries(big) { print(row([name, String(format: "%.2f", ms)])) }

print("")
printBulkRevoke(try BulkRevokeBenchmarks.run(seed: bigPath, filter: "ip:203.0.113.0/24"))

print("\n## Console (headless backend, 120×40)\n")
let small = try StoreBenchmarks.seeded(folder: folder, sessions: 10_000)
/// The console in a child process of this binary, so memory is the console's own.
func consoleInChild(_ path: String, _ sessions: Int) throws -> ConsoleBenchmarks.Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
    process.arguments = ["console-memory", path, String(sessions)]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    process.waitUntilExit()
    let fields = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: " ").compactMap {
        Double($0.trimmingCharacters(in: .whitespacesAndNewlines))
    }
    precondition(fields.count == 4, "console-memory child failed")
    return ConsoleBenchmarks.Result(
        sessions: sessions, firstFrameMilliseconds: fields[0], keystrokeP50: fields[1], keystrokeP95: fields[2], residentMegabytes: fields[3])
}
let smallResult = try consoleInChild(small.1, 10_000)
let bigResult = try consoleInChild(bigPath, sessions)
let postgresResult = try postgresAdmin.map { admin in try consoleInChild(try PostgresBenchmarks.seeded(admin: admin, sessions: sessions), sessions) }
print(row(["store", "sessions", "first frame", "filter keystroke p50", "p95", "resident memory"]))
print(row(["---", "---:", "---:", "---:", "---:", "---:"]))
for (name, r) in [("SQLite", smallResult), ("SQLite", bigResult)] + (postgresResult.map { [("PostgreSQL", $0)] } ?? []) {
    print(
        row([
            name, String(r.sessions), String(format: "%.0f ms", r.firstFrameMilliseconds), String(format: "%.1f ms", r.keystrokeP50),
            String(format: "%.1f ms", r.keystrokeP95), String(format: "%.0f MB", r.residentMegabytes),
        ]))
}
if let postgresResult {
    print(
        "\nPostgreSQL targets: first frame ≤ 150 ms — \(verdict(150 / postgresResult.firstFrameMilliseconds, atLeast: 1)); keystroke p95 ≤ 50 ms — \(verdict(50 / postgresResult.keystrokeP95, atLeast: 1))"
    )
}
print(
    "\nTargets: first frame ≤ 150 ms — \(verdict(150 / bigResult.firstFrameMilliseconds, atLeast: 1)); keystroke p95 ≤ 50 ms — \(verdict(50 / bigResult.keystrokeP95, atLeast: 1)); memory ≤ 64 MB — \(verdict(64 / bigResult.residentMegabytes, atLeast: 1))"
)
