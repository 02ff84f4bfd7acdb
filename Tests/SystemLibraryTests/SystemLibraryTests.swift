import CNCurses
import CSQLite
import Testing

/// The C libraries the later modules build on link and are recent enough.
@Suite("System libraries")
struct SystemLibraryTests {
    @Test("SQLite is 3.35 or newer (RETURNING, strict tables)")
    func sqlite() {
        #expect(sqlite3_libversion_number() >= 3_035_000)
    }

    @Test("ncursesw is linked with wide-character support")
    func ncurses() {
        let version = String(cString: curses_version())
        #expect(version.hasPrefix("ncurses"))
    }
}
