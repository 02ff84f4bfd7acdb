import Foundation
import Testing
import SessionConsole
import SessionCore
import TerminalUI

/// The user view: `u` on a row or `:user NAME` shows one user's whole picture, and the acts
/// that apply to a user (revoke all, disable or enable, an incident) work from it.
@Suite("Console user view")
struct UserViewTests {
    /// A fixture where bob.smith has an account, two failed logins and one in flight.
    func fixture(readOnly: Bool = false) throws -> ConsoleFixture {
        let f = try ConsoleFixture(readOnly: readOnly)
        let now = ConsoleFixture.now
        try f.store.addUser(
            UserRecord(name: "bob.smith", passwordHash: "scrypt$N=16384,r=8,p=1$c2FsdA$aGFzaA", createdAt: now - 90 * 86_400),
            audit: AuditContext(actor: "carol", reason: "onboarding", at: now - 90 * 86_400))
        for (offset, address) in [(-120.0, "198.51.100.23"), (-60, "198.51.100.24")] {
            guard case .reserved(let id) = try f.store.reserveLoginAttempt(user: "bob.smith", address: address, limits: LoginLimits(), at: now + offset)
            else { throw StoreError.refused("no slot") }
            try f.store.settleLoginAttempt(id: id, outcome: .failed)
        }
        return f
    }

    @Test("u on a row: sessions by state, the throttle and failures, the sessions and the audit trail; no password hash")
    func picture() throws {
        let f = try fixture()
        f.key(.character("/")); f.type("user:bob"); f.key(.enter)
        f.key(.character("u"))
        #expect(f.app.state.view == .user && f.app.state.userOverview?.name == "bob.smith")
        let screen = f.screen()
        if let problem = assertGolden(screen, "user") { Issue.record(Comment(rawValue: problem)) }
        #expect(screen.contains("enabled") && screen.contains("no cutoff"))
        #expect(screen.contains("sessions  2 active · 0 revoked · 1 expired · 3 in all"))
        #expect(screen.contains("may log in: 2 of 5 attempts used in the last 5m"))
        #expect(screen.contains("failures  198.51.100.24 1m ago · 198.51.100.23 2m ago"))
        #expect(screen.contains("user.add") && !screen.contains("scrypt$"))
        // Enter opens the selected session; back returns to the user.
        f.key(.character("j")); f.key(.enter)
        #expect(f.app.state.view == .detail && f.app.state.detail?.user == "bob.smith")
        f.key(.escape)
        #expect(f.app.state.view == .user)
    }

    @Test("x disables after a reason and y, and again enables; U revokes every session; each audited and shown")
    func acts() throws {
        let f = try fixture()
        f.key(.character(":")); f.type("user bob.smith"); f.key(.enter)
        f.key(.character("x")); f.type("left the company"); f.key(.enter)
        guard case .confirm(_, _, let question) = f.app.state.mode else { Issue.record("no confirmation: \(f.app.state.mode)"); return }
        #expect(question == "Disable bob.smith? No new logins; their 2 active sessions keep working until revoked (U).")
        f.key(.character("y"))
        #expect(try f.store.user(named: "bob.smith")?.disabled == true)
        #expect(f.screen().contains("DISABLED: cannot log in"))
        f.key(.character("U")); f.type("left the company"); f.key(.enter); f.key(.character("y"))
        #expect(try f.store.sessionStates(user: "bob.smith", now: ConsoleFixture.now).active == 0)
        let screen = f.screen()
        #expect(screen.contains("sessions  0 active · 2 revoked · 1 expired") && screen.contains("cutoff 2026-01-01 00:00:00"))
        #expect(screen.contains("user.revoke") && screen.contains("user.disable"))
        f.key(.character("x")); f.type("came back"); f.key(.enter); f.key(.character("y"))
        #expect(try f.store.user(named: "bob.smith")?.disabled == false)
        let actions = try f.store.auditEntries(about: "bob.smith", limit: 10).map(\.action)
        #expect(actions.prefix(3) == [.userEnable, .userRevoke, .userDisable])
    }

    @Test("! on the user view contains the user; a user with no account cannot be disabled; unknown names say so")
    func incidentAndMissing() throws {
        let f = try fixture()
        f.key(.character(":")); f.type("user bob.smith"); f.key(.enter)
        f.key(.character("!"))
        guard case .reason(.incident(let incident), _) = f.app.state.mode else { Issue.record("no incident prompt"); return }
        #expect(incident.target == .user("bob.smith"))
        f.key(.escape)
        f.key(.character(":")); f.type("user carol.kim"); f.key(.enter)
        #expect(f.app.state.userOverview?.name == "carol.kim" && f.app.state.userOverview?.user == nil)
        #expect(f.screen().contains("no account: sessions only"))
        f.key(.character("x"))
        #expect(f.app.state.mode == .normal && f.app.state.status?.error == true)
        f.key(.character(":")); f.type("user nobody"); f.key(.enter)
        #expect(f.app.state.status?.text == "no user nobody" && f.app.state.userOverview?.name == "carol.kim")
        f.key(.character(":")); f.type("user"); f.key(.enter)
        #expect(f.app.state.status?.text.hasPrefix("usage: :user NAME") == true)
        // Tab completes a user on screen; several share a prefix: it lists them.
        f.key(.character(":")); f.type("sessions"); f.key(.enter)
        f.key(.character(":")); f.type("user Bo"); f.key(.tab)
        #expect(f.app.state.mode == .command("user bob.smith"))
        f.key(.escape)
        f.key(.character(":")); f.type("user zz"); f.key(.tab)
        #expect(f.app.state.status?.text == "no user on screen starts with \"zz\"")
    }

    @Test("read-only: the user view shows everything and offers no act")
    func readOnly() throws {
        let f = try fixture(readOnly: true)
        f.key(.character("u"))
        #expect(f.app.state.view == .user)
        for key in ["x", "U", "!"] {
            f.key(.character(key.first!))
            #expect(f.app.state.mode == .normal && f.app.state.status?.text.hasPrefix("read-only console") == true)
        }
        #expect(!f.screen().contains("x disable"))
    }
}
