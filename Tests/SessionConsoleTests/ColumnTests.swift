import Foundation
import Testing
import SessionConsole
import SessionCore
import TerminalUI

/// The column chooser (`c`): show, hide and reorder the sessions table's columns; the choice
/// is part of a saved view, and a narrow terminal drops the least important first.
@Suite("Console columns")
struct ColumnTests {
    @Test("which columns fit, in table form: the least important go first, order kept, one always stays")
    func fitting() {
        let cases: [(width: Int, chosen: [SessionColumn], shown: [SessionColumn])] = [
            (120, SessionColumn.defaults, SessionColumn.defaults),
            (97, SessionColumn.defaults, SessionColumn.defaults),
            (96, SessionColumn.defaults, [.user, .client, .ip, .userAgent, .lastSeen, .expires, .state]),
            (80, SessionColumn.defaults, [.user, .client, .ip, .lastSeen, .expires, .state]),
            (60, SessionColumn.defaults, [.user, .ip, .lastSeen, .state]),
            (80, [.rotations, .state, .id, .user], [.rotations, .state, .id, .user]),
            (40, [.rotations, .state, .id, .user], [.state, .user]),
            (10, [.ip, .user], [.user]),
            (10, [.rotations], [.rotations]),
        ]
        for (width, chosen, shown) in cases {
            #expect(SessionColumn.fitting(chosen, width: width) == shown, "width \(width)")
        }
    }

    @Test("c opens the chooser; space hides and shows, K/J reorder; the table follows")
    func chooser() throws {
        let f = try ConsoleFixture(width: 120)
        f.key(.character("c"))
        #expect(f.app.state.view == .columns)
        if let problem = assertGolden(f.screen(), "columns") { Issue.record(Comment(rawValue: problem)) }
        // Hide USER AGENT (row 3), then CREATED slides up into that row: hide it too.
        for _ in 0..<3 { f.key(.character("j")) }
        f.key(.character(" "))
        f.key(.character(" "))
        #expect(f.app.state.columns == [.user, .client, .ip, .lastSeen, .expires, .state])
        // Show SESSION (now below the shown ones) and move it to the front.
        f.key(.character("G"))
        #expect(f.app.state.columnCursor == SessionColumn.allCases.count - 1)
        select(.id, f)
        f.key(.character(" "))
        #expect(f.app.state.columns.last == .id)
        select(.id, f)  // the cursor stayed on its row; SESSION is now the last shown
        for _ in 0..<10 { f.key(.character("K")) }
        #expect(f.app.state.columns == [.id, .user, .client, .ip, .lastSeen, .expires, .state])
        // A hidden column does not move; the last shown column cannot go.
        select(.rotations, f)
        f.key(.character("K"))
        #expect(f.app.state.status?.error == true && f.app.state.status?.text.contains("is hidden") == true)
        f.key(.escape)
        #expect(f.app.state.view == .sessions)
        let screen = f.screen()
        let header = screen.split(separator: "\n")[2]
        #expect(header.hasPrefix("   SESSION    USER") && !header.contains("USER AGENT") && !header.contains("CREATED"))
        #expect(screen.contains("sess-00…") || screen.contains("sess-00 "))
    }

    /// Moves the chooser's cursor onto `column` with j and k (at most one pass each way).
    private func select(_ column: SessionColumn, _ f: ConsoleFixture) {
        for key in ["k", "j"] {
            for _ in 0..<SessionColumn.allCases.count where f.app.state.columnChoices[f.app.state.columnCursor] != column { f.key(.character(key.first!)) }
        }
        #expect(f.app.state.columnChoices[f.app.state.columnCursor] == column)
    }

    @Test("the last shown column stays")
    func lastColumn() throws {
        let f = try ConsoleFixture()
        f.key(.character("c"))
        for _ in 0..<7 { f.key(.character(" ")) }
        #expect(f.app.state.columns == [.state])
        f.key(.character(" "))
        #expect(f.app.state.columns == [.state] && f.app.state.status?.error == true)
    }

    @Test("a narrow terminal drops the least important columns and the chooser says which")
    func narrow() throws {
        let f = try ConsoleFixture(width: 80, height: 24)
        let header = f.screen().split(separator: "\n")[2]
        #expect(header.contains("STATE") && header.contains("LAST SEEN") && !header.contains("CREATED") && !header.contains("USER AGENT"))
        f.key(.character("c"))
        let screen = f.screen()
        #expect(screen.contains("[x] CREATED     when the session logged in (UTC)  (hidden at this width)"))
        #expect(screen.contains("at 80 cells wide: USER · CLIENT · IP · LAST SEEN · EXPIRES IN · STATE"))
    }

    @Test(":save keeps the columns and :view restores them; the file names them only when not the defaults")
    func savedColumns() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("columns-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let f = try ConsoleFixture(viewsPath: folder + "/views")
        f.key(.character(":")); f.type("save plain"); f.key(.enter)
        f.key(.character("c"))
        f.key(.character(" "))  // hide USER
        f.key(.escape)
        f.key(.character(":")); f.type("save nouser"); f.key(.enter)
        let text = try String(contentsOfFile: folder + "/views", encoding: .utf8)
        #expect(text.contains("\nplain sort=created filter=\n"))
        #expect(text.contains("\nnouser sort=created columns=client,ip,user_agent,created,last_seen,expires,state filter=\n"))
        f.key(.character(":")); f.type("view plain"); f.key(.enter)
        #expect(f.app.state.columns == SessionColumn.defaults)
        f.key(.character(":")); f.type("view nouser"); f.key(.enter)
        #expect(f.app.state.columns.first == .client && !f.app.state.columns.contains(.user))
        let broken: [(String, String)] = [
            (
                "v columns=user,colour filter=",
                "line 1: unknown column \"colour\" (user, client, ip, user_agent, created, last_seen, expires, state, id, rotations)"
            ),
            ("v columns=user,user", "line 1: column user given twice"),
            ("v columns=", "line 1: unknown column \"\" (user, client, ip, user_agent, created, last_seen, expires, state, id, rotations)"),
        ]
        for (line, message) in broken {
            do {
                _ = try SavedViews.parse(line)
                Issue.record("accepted \(line)")
            } catch { #expect(error.description == message) }
        }
        let views = [SavedView(name: "x", sort: .ip, filter: "ip:10.", columns: [.rotations, .id])]
        #expect(try SavedViews.parse(SavedViews.render(views)) == views)
    }
}
