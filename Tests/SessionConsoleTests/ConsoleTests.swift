import Foundation
import Testing
import SessionConsole
import SessionCore
import TerminalUI

@Suite("Console state machine and screens")
struct ConsoleTests {
    @Test(
        "golden screens of every view",
        arguments: [
            "sessions", "detail", "keys", "audit", "help", "filter", "confirm", "small", "inspector", "services", "incident-confirm", "incident", "bulk-reason",
            "bulk-confirm",
        ])
    func goldens(_ view: String) throws {
        let f = try ConsoleFixture(width: view == "small" ? 60 : 100, height: view == "small" ? 20 : 30)
        switch view {
        case "detail": f.key(.character("j")); f.key(.enter)
        case "keys": f.key(.character(":")); f.type("keys"); f.key(.enter)
        case "audit": f.key(.character(":")); f.type("audit"); f.key(.enter)
        case "help": f.key(.character("?"))
        case "filter": f.key(.character("/")); f.type("user:bob")
        case "confirm": f.key(.character("d")); f.type("stolen phone"); f.key(.enter)
        case "services": f.key(.character(":")); f.type("services"); f.key(.enter)
        case "bulk-reason", "bulk-confirm":
            f.key(.character("/")); f.type("ip:203.0.113.0/24 -client:cli"); f.key(.enter)
            f.key(.character("D"))
            if view == "bulk-confirm" { f.type("botnet"); f.key(.enter) }
        case "incident-confirm", "incident":
            f.key(.character("/")); f.type("user:bob.smith"); f.key(.enter)
            f.key(.character("!")); f.type("phished"); f.key(.enter)
            if view == "incident" { f.key(.character("y")) }
        case "inspector":
            // RFC 7515 A.3: a fixed token, so the redacted form and the verdict are stable.
            f.app.dispatch(
                .terminal(
                    TerminalEventBox(
                        .paste(
                            "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q"
                        ))))
        default: break
        }
        if let problem = assertGolden(f.screen(), view) { Issue.record(Comment(rawValue: problem)) }
    }

    @Test("filtering puts the cursor on the first matching row and Esc clears it")
    func filter() throws {
        let f = try ConsoleFixture()
        f.key(.character("j")); f.key(.character("j"))
        f.key(.character("/")); f.type("user:carol.kim")
        #expect(f.app.state.cursor == 0)
        #expect(f.app.state.rows.allSatisfy { $0.user == "carol.kim" } && !f.app.state.rows.isEmpty)
        f.key(.enter)
        f.key(.escape)
        #expect(f.app.state.filterText.isEmpty && f.app.state.rows.count == 12)
        f.key(.character("/")); f.type("state:revoked")
        #expect(f.app.state.rows.map(\.id) == ["sess-04"])
    }

    @Test("revoke asks for a reason, shows what changes, and runs only on y; it is audited with the actor")
    func revokeFlow() throws {
        let f = try ConsoleFixture()
        f.key(.character("d"))
        guard case .reason = f.app.state.mode else { Issue.record("no reason prompt"); return }
        f.type("stolen phone")
        f.key(.enter)
        guard case .confirm(_, _, let summary) = f.app.state.mode else { Issue.record("no confirmation"); return }
        #expect(summary.contains("Revoke 1 session of alice.nguyen"))
        f.key(.character("n"))
        #expect(try f.store.session(id: "sess-00")?.revokedAt == nil)
        f.key(.character("d")); f.type("stolen phone"); f.key(.enter); f.key(.character("y"))
        let revoked = try #require(try f.store.session(id: "sess-00"))
        #expect(revoked.revokeReason == "stolen phone" && revoked.revokedBy == "tester")
        #expect(try f.store.auditEntries(limit: 5, before: nil).first?.action == .sessionRevoke)
        #expect(f.app.state.status?.text == "revoked 1 session")
    }

    @Test("marking several rows revokes them all; d on a revoked row says so")
    func marks() throws {
        let f = try ConsoleFixture()
        f.key(.character(" ")); f.key(.character(" "))
        #expect(f.app.state.marks == ["sess-00", "sess-01"])
        f.key(.character("d")); f.type("incident"); f.key(.enter)
        guard case .confirm(_, _, let summary) = f.app.state.mode else { Issue.record("no confirmation"); return }
        #expect(summary.hasPrefix("Revoke 2 sessions"))
        f.key(.character("y"))
        #expect(try f.store.sessions(SessionQuery(state: .revoked, limit: 10), now: ConsoleFixture.now).count == 3)
        f.key(.character("g"))
        f.key(.character("/")); f.type("state:revoked"); f.key(.enter)
        f.key(.character("d"))
        #expect(f.app.state.mode == .normal)
        #expect(f.app.state.status?.text.contains("already revoked") == true)
    }

    @Test("U revokes every session of the user through a cutoff")
    func revokeUser() throws {
        let f = try ConsoleFixture()
        f.key(.character("U")); f.type("left"); f.key(.enter)
        guard case .confirm(_, _, let summary) = f.app.state.mode else { Issue.record("no confirmation"); return }
        #expect(summary.contains("Revoke all 3 active sessions of alice.nguyen"))
        f.key(.character("y"))
        #expect(try f.store.sessions(SessionQuery(user: "alice.nguyen", state: .active, limit: 10), now: ConsoleFixture.now).isEmpty)
        #expect(try f.store.user(named: "alice.nguyen")?.notBefore == ConsoleFixture.now)
    }

    @Test("read-only: dangerous keys do nothing but say so, and are absent from the hint bar")
    func readOnly() throws {
        let f = try ConsoleFixture(readOnly: true)
        f.key(.character("d"))
        #expect(f.app.state.mode == .normal)
        #expect(f.app.state.status?.text.hasPrefix("read-only console") == true)
        #expect(try f.store.sessions(SessionQuery(state: .revoked, limit: 10), now: ConsoleFixture.now).count == 1)
        let screen = f.screen()
        #expect(!screen.contains("d revoke") && screen.contains("READ-ONLY"))
        f.key(.character(":")); f.type("keys"); f.key(.enter)
        f.key(.character("r"))
        #expect(f.app.state.mode == .normal)
    }

    @Test("keys view rotates, retires and revokes with a reason and confirmation")
    func keys() throws {
        let f = try ConsoleFixture()
        f.key(.character(":")); f.type("keys"); f.key(.enter)
        // The old key rotated out 30 days ago, so loading the view retires it.
        #expect(f.app.state.keys.map(\.kid) == ["key-2026-q1", "key-2025-q4", "key-2025-q3"])
        #expect(f.app.state.keys.map(\.state) == [.next, .active, .retired])
        f.key(.character("r")); f.type("quarterly"); f.key(.enter)
        guard case .confirm(_, _, let summary) = f.app.state.mode else { Issue.record("no confirmation"); return }
        #expect(summary.contains("next key key-2026-q1"))
        f.key(.character("y"))
        let states = Dictionary(uniqueKeysWithValues: try f.store.signingKeys().map { ($0.kid, $0.state) })
        #expect(states["key-2026-q1"] == .active && states["key-2025-q4"] == .retiring)
        let active = try #require(f.app.state.keys.firstIndex { $0.kid == "key-2026-q1" })
        while f.app.state.keyCursor < active { f.key(.down) }
        f.key(.character("t"))
        #expect(f.app.state.status?.text.contains("only next or retiring keys retire") == true)
        f.key(.character("X")); f.type("leaked"); f.key(.enter); f.key(.character("y"))
        #expect(try f.store.signingKeys().first { $0.kid == "key-2026-q1" }?.state == .revoked)
        #expect(try f.store.signingKeys().filter { $0.state == .active }.count == 1)
    }

    @Test("the inspector decodes a pasted token, checks it against the key ring and redacts it")
    func inspector() throws {
        let f = try ConsoleFixture()
        f.key(.character("i"))
        #expect(f.app.state.view == .inspector)
        let inspection = try #require(f.app.state.inspection)
        #expect(inspection.verdict.hasPrefix("VALID"))
        let token = f.app.state.inspectedToken
        var screen = f.screen()
        #expect(!screen.contains(token) && screen.contains("(R reveals)"))
        f.key(.character("R"))
        screen = f.screen()
        #expect(screen.contains(String(token.prefix(60))))
        f.key(.escape)
        f.key(.character(":")); f.type("inspect"); f.key(.enter)
        f.app.dispatch(.terminal(TerminalEventBox(.paste("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."))))
        #expect(f.app.state.inspection?.verdict.contains("unsupported_alg") == true)
        #expect(f.app.state.inspection?.description?.warnings.contains { $0.contains("alg \"none\"") } == true)
    }

    @Test("paging moves the keyset window without loading everything; g and G jump to the ends")
    func paging() throws {
        let f = try ConsoleFixture(width: 100, height: 10)  // 5 visible rows
        #expect(f.app.state.rows.map(\.id) == ["sess-00", "sess-01", "sess-02", "sess-03", "sess-04"])
        for _ in 0..<6 { f.key(.down) }
        #expect(f.app.state.selected?.id == "sess-06")
        #expect(f.app.state.rows.count == 5)
        f.key(.character("G"))
        #expect(f.app.state.rows.last?.id == "sess-11" && f.app.state.selected?.id == "sess-11")
        f.key(.pageUp)
        #expect(f.app.state.rows.first?.id == "sess-02")
        f.key(.character("g"))
        #expect(f.app.state.selected?.id == "sess-00")
        f.key(.pageDown)
        #expect(f.app.state.rows.first?.id == "sess-05")
        f.app.dispatch(.terminal(TerminalEventBox(.mouse(MouseEvent(kind: .press, x: 5, y: 5)))))
        #expect(f.app.state.selected?.id == "sess-07")
    }

    @Test("s cycles the sort column; paging follows the sort")
    func sorting() throws {
        let f = try ConsoleFixture(width: 100, height: 10)
        f.key(.character("s"))
        #expect(f.app.state.sort == .lastUsed)
        f.key(.character("s"))
        #expect(f.app.state.sort == .user)
        #expect(f.app.state.rows.first?.user == "alice.nguyen" && f.app.state.cursor == 0)
        for _ in 0..<7 { f.key(.down) }
        let users = f.app.state.rows.map { $0.user.lowercased() }
        #expect(users == users.sorted())
        #expect(f.screen().contains("needs at least 80×24"))
        f.app.dispatch(.terminal(TerminalEventBox(.resize(width: 100, height: 30))))
        #expect(f.screen().contains("USER▲"))
    }

    @Test("a keymap file overrides keys by action, and a bad one names its line")
    func keymap() throws {
        let bindings = try Keymap.parse("# vim users\nrevoke = x Delete\nquit = Q\n")
        #expect(bindings.contains { $0.action == .revoke && $0.key == .character("x") })
        #expect(bindings.contains { $0.action == .revoke && $0.key == .delete })
        #expect(!bindings.contains { $0.action == .revoke && $0.key == .character("d") })
        let f = try ConsoleFixture()
        var state = f.app.state
        state.bindings = bindings
        _ = state.handle(.terminal(TerminalEventBox(.key(.character("d")))))
        #expect(state.mode == .normal)
        _ = state.handle(.terminal(TerminalEventBox(.key(.character("x")))))
        guard case .reason = state.mode else { Issue.record("x did not start a revoke"); return }
        do {
            _ = try Keymap.parse("revoke = x\nfly = y\n")
            Issue.record("parsed an unknown action")
        } catch {
            #expect(error.line == 2)
        }
    }

    @Test("commands complete with Tab; unknown commands say so; q quits from the sessions view")
    func commands() throws {
        let f = try ConsoleFixture()
        f.key(.character(":")); f.type("au"); f.key(.tab)
        #expect(f.app.state.mode == .command("audit"))
        f.key(.enter)
        #expect(f.app.state.view == .audit)
        f.key(.character("q"))
        #expect(f.app.state.view == .sessions && !f.app.state.quitRequested)
        f.key(.character(":")); f.type("bogus"); f.key(.enter)
        #expect(f.app.state.status?.error == true)
        f.key(.character(":")); f.type("theme dark"); f.key(.enter)
        #expect(f.app.state.themeName == "dark")
        f.key(.character("q"))
        #expect(f.app.state.quitRequested)
    }

    @Test("changes made by another process appear on the next tick, keeping the selection")
    func liveRefresh() throws {
        let f = try ConsoleFixture()
        f.key(.down); f.key(.down)
        #expect(f.app.state.selected?.id == "sess-02")
        let newest = SessionRecord(
            id: "sess-new", user: "erin", client: "web", ip: "198.51.100.1", userAgent: "x", createdAt: ConsoleFixture.now,
            lastUsedAt: ConsoleFixture.now, expiresAt: ConsoleFixture.now + 1000, idleExpiresAt: ConsoleFixture.now + 1000)
        try f.store.createSession(newest, refreshTokenHash: [1, 2, 3])
        f.app.dispatch(.tick(now: ConsoleFixture.now))
        #expect(f.app.state.rows.first?.id == "sess-new")
        #expect(f.app.state.selected?.id == "sess-02")
    }

    @Test("wide characters and emoji keep columns aligned; control characters never reach the screen")
    func wideCharacters() throws {
        let f = try ConsoleFixture()
        let lines = f.screen().split(separator: "\n").map(String.init)[3..<15]
        let stateColumn = lines.compactMap { line -> Int? in
            guard let range = line.range(of: "active") ?? line.range(of: "revoked") else { return nil }
            return DisplayWidth.of(String(line[..<range.lowerBound]))
        }
        #expect(stateColumn.count == 11 && Set(stateColumn).count == 1)
        #expect(!f.screen().contains("\u{1B}") && !f.screen().contains("\u{7}"))
        #expect(DisplayWidth.of("李娜") == 4 && DisplayWidth.of("📦") == 2 && DisplayWidth.of("é") == 1)
    }

    @Test("theme files parse, and a broken one names its line")
    func themes() throws {
        for name in ["default", "dark", "light", "high-contrast", "monochrome"] {
            _ = try Theme.load(named: name, from: ConsoleFixture.themesFolder)
        }
        #expect(Theme.available(in: ConsoleFixture.themesFolder).count >= 5)
        do {
            _ = try Theme.parse("normal = default\ntitle = purple-ish bold\n", name: "bad", file: "bad.theme")
            Issue.record("parsed a broken theme")
        } catch {
            #expect(error.line == 2 && error.description.hasPrefix("bad.theme:2:"))
        }
        #expect(Theme.fallback.monochrome[.revoked].foreground == .default)
    }
}

/// Incident mode in the console: `/user Enter ! reason Enter y` contains the user, the
/// panel follows every verifier, and the outcome is audited once containment is reached.
@Suite("Console incident mode")
struct ConsoleIncidentTests {
    static func report(_ f: ConsoleFixture, _ service: String, _ instance: String, seq: Int64?, client: String? = nil, at: Double) throws {
        let report = VerifierReport(service: service, instance: instance, feedSequence: seq, kids: ["key-2025-q4"], version: "0.5.0")!
        #expect(try f.store.recordVerifier(VerifierRecord(report, client: client, address: "10.0.0.7", at: at)))
    }

    @Test("a user in five keystrokes plus the name and the reason; contained when every live verifier applied it")
    func user() throws {
        let f = try ConsoleFixture()
        f.key(.character("/")); f.type("user:bob.smith"); f.key(.enter)
        f.key(.character("!")); f.type("phished"); f.key(.enter)
        guard case .confirm(.incident(let incident), let reason, let summary) = f.app.state.mode else {
            Issue.record("no confirmation: \(f.app.state.mode)")
            return
        }
        #expect(incident == Incident(.user("bob.smith")) && reason == "phished")
        #expect(summary.contains("CONTAIN user bob.smith") && summary.contains("must react: 2 instances of billing, orders"))
        f.key(.character("D"))  // contain, and disable the account
        #expect(f.app.state.view == .incident)
        let act = try #require(f.app.state.incidentAct)
        #expect(act.incident.disableUser && act.revokedSessions == 2)
        #expect(try f.store.sessions(SessionQuery(user: "bob.smith", state: .active), now: ConsoleFixture.now).isEmpty)
        let progress = try #require(f.app.state.containment)
        #expect(progress.counted.count == 2 && progress.applied == 0 && !progress.contained)
        #expect(progress.instances.first { $0.service == "legacy" }?.state == .silent)

        // orders applies; billing (no feed) still waits; then billing follows the feed too.
        try Self.report(f, "orders", "orders-7f9c:41", seq: act.sequence, client: "orders-svc", at: ConsoleFixture.now + 0.25)
        f.app.dispatch(.tick(now: ConsoleFixture.now + 1))
        #expect(f.app.state.containment?.applied == 1 && f.app.state.containment?.contained == false)
        #expect(try !f.store.auditEntries(limit: 50, before: nil).contains { $0.action == .incidentOutcome })
        try Self.report(f, "billing", "billing-1:7", seq: act.sequence, at: ConsoleFixture.now + 0.5)
        f.app.dispatch(.tick(now: ConsoleFixture.now + 2))
        #expect(f.app.state.containment?.contained == true)
        #expect(f.screen().contains(" contained: 2 of 2 instances, 500 ms (as reported by the verifiers); silent, not counted: legacy/"))
        #expect(f.app.state.containment?.line.hasSuffix("silent, not counted: legacy/old-host:99") == true)
        let outcomes = try f.store.auditEntries(limit: 50, before: nil).filter { $0.action == .incidentOutcome }
        #expect(outcomes.count == 1 && outcomes.first?.detail.hasPrefix("contained: 2 of 2") == true && outcomes.first?.reason == "phished")
        #expect(try f.store.auditEntries(limit: 50, before: nil).contains { $0.action == .incident && $0.target == "user bob.smith" })
        // Leaving after it was recorded writes nothing more.
        f.key(.escape)
        #expect(try f.store.auditEntries(limit: 50, before: nil).filter { $0.action == .incidentOutcome }.count == 1)
    }

    @Test("a key from the keys view: revoked, the next key signs; leaving early audits how far it got")
    func key() throws {
        let f = try ConsoleFixture()
        f.key(.character(":")); f.type("keys"); f.key(.enter)
        let active = try #require(f.app.state.keys.firstIndex { $0.state == .active })
        for _ in 0..<active { f.key(.character("j")) }
        f.key(.character("!")); f.type("key leaked"); f.key(.enter)
        f.key(.character("y"))
        let act = try #require(f.app.state.incidentAct)
        #expect(act.incident == Incident(.key("key-2025-q4")) && act.newActiveKid == "key-2026-q1")
        #expect(try f.store.signingKeys().first { $0.kid == "key-2025-q4" }?.state == .revoked)
        f.key(.escape)
        let outcome = try #require(try f.store.auditEntries(limit: 50, before: nil).first { $0.action == .incidentOutcome })
        #expect(outcome.detail.hasPrefix("not contained: 0 of 2 instances applied"))
    }

    @Test("read-only consoles offer no incident")
    func readOnly() throws {
        let f = try ConsoleFixture(readOnly: true)
        f.key(.character("!"))
        #expect(f.app.state.mode == .normal && f.app.state.status?.error == true)
    }
}

/// `:export FILE` writes everything the current filter matches, not just the visible page.
@Suite("Console export")
struct ConsoleExportTests {
    @Test(":export FILE.csv writes every filtered session; a bad extension is refused with nothing written")
    func export() throws {
        let f = try ConsoleFixture(width: 100, height: 24)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("console-export-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        f.key(.character("/")); f.type("user:bob.smith"); f.key(.enter)
        f.key(.character(":")); f.type("export \(folder)/bob.csv"); f.key(.enter)
        #expect(f.app.state.status?.text.hasPrefix("exported 3 sessions to \(folder)/bob.csv") == true)
        let lines = try String(contentsOfFile: folder + "/bob.csv", encoding: .utf8).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.count == 4 && lines.dropFirst().allSatisfy { $0.contains(",bob.smith,") })
        f.key(.escape)
        f.key(.character(":")); f.type("export \(folder)/all.txt"); f.key(.enter)
        #expect(f.app.state.status?.error == true && f.app.state.status?.text.contains(".csv, .json or .ndjson") == true)
        #expect(!FileManager.default.fileExists(atPath: folder + "/all.txt"))
        f.key(.character(":")); f.type("export \(folder)/all.ndjson"); f.key(.enter)
        #expect(try String(contentsOfFile: folder + "/all.ndjson", encoding: .utf8).split(separator: "\n").count == 12)
    }
}

/// Saved views: `:save NAME` writes the filter and sort to the views file, `:view NAME`
/// (Tab completes) restores them; a broken line is refused with its number.
@Suite("Console saved views")
struct ConsoleSavedViewTests {
    @Test("the file format, in table form: text → views, or the line and reason it is refused")
    func parse() throws {
        let views = try SavedViews.parse(
            "# comment\n\nbob sort=last_used filter=user:bob.smith state:active\nall\nbob filter=user:bob\nips sort=ip filter= ip:203.0.113. \n")
        #expect(
            views == [
                SavedView(name: "all", sort: .created, filter: ""), SavedView(name: "bob", sort: .created, filter: "user:bob"),
                SavedView(name: "ips", sort: .ip, filter: "ip:203.0.113."),
            ])
        #expect(try SavedViews.parse(SavedViews.render(views)) == views)
        let broken: [(String, String)] = [
            ("ok filter=x\nb@d filter=x", "line 2: \"b@d\" is not a view name (letters, digits, - _ .)"),
            ("v sort=sideways", "line 1: unknown sort \"sideways\" (created, last_used, user, ip, client, user_agent, expires, state)"),
            ("v colour=red filter=x", "line 1: expected sort=…, columns=… or filter=…, found \"colour=red\""),
        ]
        for (text, message) in broken {
            #expect(throws: SavedViews.ParseError.self) { try SavedViews.parse(text) }
            do { _ = try SavedViews.parse(text) } catch { #expect(error.description == message) }
        }
    }

    @Test(":save writes the current filter and sort; :view restores them, with Tab completion")
    func saveAndRestore() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("views-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let f = try ConsoleFixture(viewsPath: folder + "/sessionctl/views")
        let app = f.app
        func key(_ k: Key) { f.key(k) }
        func type(_ text: String) { f.type(text) }
        key(.character("/")); type("user:bob.smith"); key(.enter)
        key(.character("s"))
        key(.character(":")); type("save bobs"); key(.enter)
        #expect(app.state.status?.text == "saved view bobs in \(folder)/sessionctl/views")
        #expect(
            try SavedViews.parse(String(contentsOfFile: folder + "/sessionctl/views", encoding: .utf8)) == [
                SavedView(name: "bobs", sort: .lastUsed, filter: "user:bob.smith")
            ])
        key(.escape)
        #expect(app.state.filterText.isEmpty)
        key(.character(":")); type("view b"); key(.tab)
        #expect(app.state.mode == .command("view bobs"))
        key(.enter)
        #expect(app.state.filterText == "user:bob.smith" && app.state.sort == .lastUsed && app.state.rows.allSatisfy { $0.user == "bob.smith" })
        key(.character(":")); type("view nope"); key(.enter)
        #expect(app.state.status?.error == true && app.state.status?.text == "no view nope (saved: bobs)")
        key(.character(":")); type("save no/slash"); key(.enter)
        #expect(app.state.status?.error == true)
    }
}

/// `D`: every session the filter matches, after its blast radius, a reason and `y`; Esc
/// between chunks stops it.
@Suite("Console bulk revocation")
struct ConsoleBulkTests {
    @Test("/filter Enter D reason Enter y revokes every active match, with one audit entry")
    func bulk() throws {
        let f = try ConsoleFixture()
        f.key(.character("/")); f.type("user:bob.smith"); f.key(.enter)
        f.key(.character("D"))
        guard case .reason(.revokeMatching(_, let criteria, let expected), _) = f.app.state.mode else {
            Issue.record("no reason prompt: \(f.app.state.mode)")
            return
        }
        #expect(criteria == "user:bob.smith" && expected == 2)
        #expect(f.screen().contains(" matches: 2 active sessions of 1 user; clients "))
        f.type("phished"); f.key(.enter)
        guard case .confirm(_, _, let summary) = f.app.state.mode else { Issue.record("no confirmation"); return }
        #expect(summary.hasPrefix("REVOKE every active session matching user:bob.smith?") && summary.contains("matches: 2 active sessions of 1 user"))
        f.key(.character("y"))
        #expect(f.app.state.status?.text == "revoked 2 sessions matching user:bob.smith")
        #expect(try f.store.sessions(SessionQuery(user: "bob.smith", state: .active), now: ConsoleFixture.now).isEmpty)
        let bulk = try f.store.auditEntries(limit: 50, before: nil).filter { $0.action == .sessionRevokeBulk }
        #expect(bulk.count == 1 && bulk[0].detail == "2 sessions revoked" && bulk[0].reason == "phished" && bulk[0].actor == "tester")
        // Nothing left to match: D says so and asks nothing.
        f.key(.character("D"))
        #expect(f.app.state.mode == .normal && f.app.state.status?.error == true)
    }

    @Test("Esc while it runs stops after the chunk in progress; what was revoked is reported and audited")
    func cancel() throws {
        let f = try ConsoleFixture()
        var extra: [ImportedSession] = []
        for index in 0..<1_200 {
            let at = ConsoleFixture.now - 5_000 - Double(index)
            extra.append(
                ImportedSession(
                    session: SessionRecord(
                        id: String(format: "bulk-%04d", index), user: "mass\(index % 7)", client: "web", ip: "192.0.2.\(index % 250)", userAgent: "x",
                        createdAt: at, lastUsedAt: at, expiresAt: at + 86_400, idleExpiresAt: at + 86_400), family: []))
        }
        try f.store.importSessions(extra)
        f.key(.character("/")); f.type("user:mass"); f.key(.enter)
        f.key(.character("D")); f.type("spam wave"); f.key(.enter)
        f.backend.events = [.key(.escape)]  // pressed while the first chunk is written
        f.key(.character("y"))
        #expect(f.app.state.status?.text == "stopped: \(Administration.bulkChunk) sessions revoked (each committed), the rest untouched")
        #expect(
            try f.store.sessions(SessionQuery(state: .revoked, limit: 5_000), now: ConsoleFixture.now).filter { $0.user.hasPrefix("mass") }.count
                == Administration.bulkChunk)
        let entry = try #require(try f.store.auditEntries(limit: 50, before: nil).first { $0.action == .sessionRevokeBulk })
        #expect(entry.detail == "\(Administration.bulkChunk) sessions revoked; cancelled" && entry.target == "user:mass")
    }
}
