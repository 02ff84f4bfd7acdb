import Foundation
import SessionCore

// make bench: every figure is a ratio against a baseline measured in this same run.
let folder = ProcessInfo.processInfo.environment["BENCH_DATA"] ?? ".data"
try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
let machine = "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.physicalMemory / 1_073_741_824) GiB"
print("# Benchmarks (\(Timestamp.rfc3339(Date().timeIntervalSince1970)), \(machine), release build)\n")

print("## JOSE: raw OpenSSL (the limit) · SessionCore · jwt-kit 5.8.0\n")
print(row(["alg", "op", "raw OpenSSL", "SessionCore", "jwt-kit", "ours ÷ raw", "ours ÷ jwt-kit"]))
print(row(["---", "---", "---:", "---:", "---:", "---:", "---:"]))
let jose = try await JOSEBenchmarks.run()
for r in jose {
    print(row([r.algorithm, "sign", rate(r.rawSign), rate(r.oursSign), rate(r.kitSign), ratio(r.oursSign, r.rawSign), ratio(r.oursSign, r.kitSign)]))
    print(row([r.algorithm, "verify", rate(r.rawVerify), rate(r.oursVerify), rate(r.kitVerify), ratio(r.oursVerify, r.rawVerify), ratio(r.oursVerify, r.kitVerify)]))
}
let hs = jose.first { $0.algorithm == "HS256" }!
let rs = jose.first { $0.algorithm == "RS256" }!
print("\nTargets:")
print("- HS256 verify ≥ 0.5× raw HMAC: \(ratio(hs.oursVerify, hs.rawVerify)) — \(verdict(hs.oursVerify / hs.rawVerify, atLeast: 0.5))")
print("- HS256 verify ≥ 10× jwt-kit: \(ratio(hs.oursVerify, hs.kitVerify)) — \(verdict(hs.oursVerify / hs.kitVerify, atLeast: 10))")
for r in jose where r.algorithm != "HS256" {
    print("- \(r.algorithm) sign ≥ 0.9× raw: \(ratio(r.oursSign, r.rawSign)) — \(verdict(r.oursSign / r.rawSign, atLeast: 0.9)); verify ≥ 0.9× raw: \(ratio(r.oursVerify, r.rawVerify)) — \(verdict(r.oursVerify / r.rawVerify, atLeast: 0.9))")
}
print("- RS256 sign ≥ 2× jwt-kit: \(ratio(rs.oursSign, rs.kitSign)) — \(verdict(rs.oursSign / rs.kitSign, atLeast: 2))")
for (name, one, two) in try JOSEBenchmarks.scaling() {
    print("- \(name) verify on two threads ≥ 1.8× one: \(rate(one)) → \(rate(two)) = \(ratio(two, one)) — \(verdict(two / one, atLeast: 1.8))")
}

print("\n## Store\n")
let rotation = try StoreBenchmarks.rotation(folder: folder)
print("- refresh rotation through the store: \(rate(rotation.store)); raw SQLite UPDATE+INSERT transaction: \(rate(rotation.raw)); ratio \(ratio(rotation.store, rotation.raw)) (target ≥ 0.7×) — \(verdict(rotation.store / rotation.raw, atLeast: 0.7))")
let sessions = Int(ProcessInfo.processInfo.environment["BENCH_SESSIONS"] ?? "") ?? 1_000_000
let (big, bigPath) = try StoreBenchmarks.seeded(folder: folder, sessions: sessions)
print("\nQueries on \(sessions) sessions (best of 7):\n")
print(row(["query", "ms"]))
print(row(["---", "---:"]))
for (name, ms) in try StoreBenchmarks.queries(big) { print(row([name, String(format: "%.2f", ms)])) }

print("\n## Console (headless backend, 120×40)\n")
let small = try StoreBenchmarks.seeded(folder: folder, sessions: 10_000)
let smallResult = ConsoleBenchmarks.run(store: small.0, path: small.1, sessions: 10_000)
let bigResult = ConsoleBenchmarks.run(store: big, path: bigPath, sessions: sessions)
print(row(["sessions", "first frame", "filter keystroke p50", "p95", "resident memory"]))
print(row(["---:", "---:", "---:", "---:", "---:"]))
for r in [smallResult, bigResult] {
    print(row([String(r.sessions), String(format: "%.0f ms", r.firstFrameMilliseconds), String(format: "%.1f ms", r.keystrokeP50),
               String(format: "%.1f ms", r.keystrokeP95), String(format: "%.0f MB", r.residentMegabytes)]))
}
print("\nTargets: first frame ≤ 150 ms — \(verdict(150 / bigResult.firstFrameMilliseconds, atLeast: 1)); keystroke p95 ≤ 50 ms — \(verdict(50 / bigResult.keystrokeP95, atLeast: 1)); memory ≤ 64 MB — \(verdict(64 / bigResult.residentMegabytes, atLeast: 1))")
