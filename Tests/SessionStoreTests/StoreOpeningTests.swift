import Foundation
import Testing
import SessionCore
@testable import SessionSQLite

@Suite("Opening a store")
struct StoreOpeningTests {
    @Test("an empty file is migrated, and reopening is idempotent")
    func migratesAndReopens() throws {
        let fixture = try StoreFixture()
        #expect(try fixture.sqlite.schemaVersion() == Schema.latestVersion)
        let again = try SQLiteSessionStore(path: fixture.path, create: false)
        #expect(try again.schemaVersion() == Schema.latestVersion)
        let migrations = try again.withConnection { db in try db.scalarInt("SELECT COUNT(*) FROM schema_migrations") }
        #expect(migrations == Int64(Schema.migrations.count))
        #expect(try again.integrityCheck() == "ok")
    }

    @Test("WAL, foreign keys and a busy timeout are on")
    func pragmas() throws {
        let fixture = try StoreFixture()
        try fixture.sqlite.withConnection { db throws in
            #expect(try db.scalarText("PRAGMA journal_mode") == "wal")
            #expect(try db.scalarInt("PRAGMA foreign_keys") == 1)
            #expect(try db.scalarInt("PRAGMA synchronous") == 1)  // NORMAL
            #expect(try db.scalarInt("PRAGMA busy_timeout") == 5000)
        }
    }

    private func expectUnusable(_ path: String, create: Bool = true, containing needle: String) {
        do {
            _ = try SQLiteSessionStore(path: path, create: create)
            Issue.record("opened \(path)")
        } catch {
            guard case .unusable(let message) = error else { Issue.record("wrong error \(error)"); return }
            #expect(message.contains(needle), "\(message)")
            #expect(!message.contains("\n"))
        }
    }

    @Test("a missing parent folder is refused, and nothing is created")
    func missingFolder() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("nope-\(UUID().uuidString)/s.sqlite").path
        expectUnusable(path, containing: "does not exist")
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("a missing file is refused when not creating")
    func missingFile() throws {
        let fixture = try StoreFixture()
        let path = fixture.folder.appendingPathComponent("other.sqlite").path
        expectUnusable(path, create: false, containing: "no store at")
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("a file that is not SQLite is refused and left untouched")
    func notSQLite() throws {
        let fixture = try StoreFixture()
        let path = fixture.folder.appendingPathComponent("text.sqlite").path
        let content = Data(String(repeating: "this is not a database\n", count: 200).utf8)
        try content.write(to: URL(fileURLWithPath: path))
        expectUnusable(path, containing: "not a SQLite database")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == content)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test("a corrupt file is refused")
    func corrupt() throws {
        let fixture = try StoreFixture()
        try fixture.session()
        let path = fixture.folder.appendingPathComponent("corrupt.sqlite").path
        // A valid header followed by garbage pages.
        try fixture.sqlite.withConnection { db in try db.execute("VACUUM INTO '\(path)'") }
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        for i in 100..<bytes.count where i % 7 != 0 { bytes[i] = 0xA5 }
        try bytes.write(to: URL(fileURLWithPath: path))
        do {
            let store = try SQLiteSessionStore(path: path, create: false)
            _ = try store.sessions(SessionQuery(), now: StoreFixture.now)
            Issue.record("read a corrupt store")
        } catch {
            guard case .unusable(let message) = error else { Issue.record("wrong error \(error)"); return }
            #expect(message.contains("corrupt") || message.contains("not a SQLite database"), "\(message)")
        }
    }

    @Test("a read-only file is refused")
    func readOnly() throws {
        let fixture = try StoreFixture()
        let path = fixture.folder.appendingPathComponent("ro.sqlite").path
        _ = try SQLiteSessionStore(path: path, create: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path) }
        expectUnusable(path, containing: "read-only")
    }

    @Test("a schema newer than the program is refused, and nothing is written")
    func newerSchema() throws {
        let fixture = try StoreFixture()
        try fixture.sqlite.withConnection { db in try db.execute("PRAGMA user_version = 99") }
        let before = try Data(contentsOf: URL(fileURLWithPath: fixture.path))
        expectUnusable(fixture.path, containing: "schema version 99")
        #expect(try Data(contentsOf: URL(fileURLWithPath: fixture.path)) == before)
    }
}
