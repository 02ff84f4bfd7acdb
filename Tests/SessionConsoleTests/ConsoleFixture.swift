import Foundation
import SessionConsole
import SessionCore
import SessionStoreTesting
import JOSE
import TerminalUI

/// A deterministic console: an in-memory store with fixed sessions, keys and audit
/// entries, a fixed clock, and a headless backend of fixed size.
final class ConsoleFixture {
    static let now: Double = 1_767_225_600  // 2026-01-01T00:00:00Z
    let store = InMemorySessionStore()
    let backend: HeadlessBackend
    let app: ConsoleApp
    let kek = try! KeyEncryptionKey.load(environment: ["SESSION_KEK": String(repeating: "ab", count: 32)], storePath: "/nonexistent/x", create: false).key

    init(width: Int = 100, height: Int = 30, readOnly: Bool = false, viewsPath: String? = nil) throws {
        backend = HeadlessBackend(width: width, height: height)
        try Self.fill(store, kek: kek)
        var state = ConsoleState(width: width, height: height, now: Self.now, readOnly: readOnly, storeName: "test.sqlite", themeName: "monochrome")
        state.viewsPath = viewsPath
        let runner = EffectRunner(
            store: store, storePath: "/nonexistent/x", actor: "tester",
            environment: ["SESSION_KEK": String(repeating: "ab", count: 32)], themesFolder: Self.themesFolder, clock: { Self.now })
        app = ConsoleApp(
            state: state, backend: backend, runner: runner, theme: Theme.fallback,
            monochrome: true, clock: { Self.now })
        app.run(maxIdleTicks: 1)
    }

    static var themesFolder: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../themes").standardized.path
    }

    static let users = ["alice.nguyen", "bob.smith", "carol.kim", "李娜.tanaka", "dave.okafor"]
    static let agents = [
        "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Orders/4.12.0 (iPhone15,2; iOS 18.1) 📦",
        "curl/8.11.0", "okhttp/4.12.0 Orders/4.12.0 (Android 15)", "evil\u{1B}[31mred\u{7}",
    ]

    static func fill(_ store: InMemorySessionStore, kek: KeyEncryptionKey) throws {
        for i in 0..<12 {
            let created = now - Double(i) * 3600 - 60
            let session = SessionRecord(
                id: String(format: "sess-%02d", i), user: users[i % users.count], client: ["web", "ios", "cli", "android"][i % 4],
                ip: i % 3 == 0 ? "2001:db8::\(i)" : "203.0.113.\(10 + i)", userAgent: agents[i % agents.count],
                createdAt: created, lastUsedAt: created + 30, expiresAt: created + 30 * 86_400,
                idleExpiresAt: i == 11 ? now - 1 : created + 7 * 86_400,
                revokedAt: i == 4 ? now - 100 : nil, revokeReason: i == 4 ? "lost device" : nil, revokedBy: i == 4 ? "carol" : nil,
                rotations: i % 3)
            var family: [RefreshTokenRecord] = []
            var parent: [UInt8]?
            for r in 0...(i % 3) {
                let hash = HashFunction.sha256.hash("\(i)-\(r)")
                if r > 0 { family[r - 1].spentAt = created + Double(r) * 200; family[r - 1].successorHash = hash }
                family.append(
                    RefreshTokenRecord(hash: hash, sessionID: session.id, parentHash: parent, issuedAt: created + Double(r) * 200, issuedIP: session.ip))
                parent = hash
            }
            try store.importSessions([ImportedSession(session: session, family: family)])
        }
        let day = 86_400.0
        let audit = { (reason: String, at: Double) in AuditContext(actor: "carol", reason: reason, at: at) }
        try store.addSigningKey(try KeyRing.makeRecord(.es256, kek: kek, at: now - 100 * day, kid: "key-2025-q3"), audit: audit("initial", now - 100 * day))
        try store.addSigningKey(try KeyRing.makeRecord(.es256, kek: kek, at: now - 40 * day, kid: "key-2025-q4"), audit: audit("prepare", now - 40 * day))
        _ = try store.rotateSigningKeys(fresh: try KeyRing.makeRecord(.es256, kek: kek, at: now, kid: "unused"), audit: audit("quarterly", now - 30 * day))
        try store.addSigningKey(try KeyRing.makeRecord(.es256, kek: kek, at: now - 2 * day, kid: "key-2026-q1"), audit: audit("publish next", now - 2 * day))
        // Verifiers: one verified and current, one that does not follow the feed, one silent.
        let kids = ["key-2025-q3", "key-2025-q4", "key-2026-q1"]
        for (service, instance, seq, client, at) in [
            ("orders", "orders-7f9c:41", Int64?(0), String?("orders-svc"), now - 2), ("billing", "billing-1:7", nil, nil, now - 4),
            ("legacy", "old-host:99", Int64?(0), nil, now - 600),
        ] {
            let report = VerifierReport(service: service, instance: instance, feedSequence: seq, kids: kids, version: "0.5.0")!
            try store.recordVerifier(VerifierRecord(report, client: client, address: "10.0.0.7", at: at))
        }
        try store.appendAudit(
            AuditEntry(
                at: now - 50, actor: "system", action: .refreshReuse, target: "sess-07", reason: "spent refresh token presented again",
                detail: "session sess-07 revoked"))
    }

    func key(_ key: Key) { app.dispatch(.terminal(TerminalEventBox(.key(key)))) }
    func type(_ text: String) { for c in text { key(.character(c)) } }

    /// The screen as text.
    func screen() -> String {
        app.draw()
        return backend.lastFrame!.lines().map { line in
            var trimmed = line
            while trimmed.hasSuffix(" ") { trimmed.removeLast() }
            return trimmed
        }.joined(separator: "\n") + "\n"
    }
}

/// Compares `text` with `Goldens/<name>.txt`; `RECORD_GOLDENS=1` rewrites the file.
func assertGolden(_ text: String, _ name: String) -> String? {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Goldens/\(name).txt")
    if ProcessInfo.processInfo.environment["RECORD_GOLDENS"] == "1" {
        try? text.write(to: url, atomically: true, encoding: .utf8)
        return nil
    }
    guard let expected = try? String(contentsOf: url, encoding: .utf8) else { return "no golden \(name).txt (run with RECORD_GOLDENS=1)" }
    if expected == text { return nil }
    let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let b = text.split(separator: "\n", omittingEmptySubsequences: false)
    for i in 0..<max(a.count, b.count) where (i < a.count ? a[i] : "") != (i < b.count ? b[i] : "") {
        return "golden \(name) differs at line \(i + 1):\n expected: \(i < a.count ? a[i] : "")\n actual:   \(i < b.count ? b[i] : "")"
    }
    return "golden \(name) differs"
}
