import Foundation
import SessionCore
import JOSE
import Testing
@testable import SessionSQLite

/// `WALCheckpoints.background`: the log reaches the database file without any commit
/// doing it, and the writer's own threshold becomes a backstop.
@Suite("background WAL checkpoints")
struct CheckpointTests {
    /// Writes `count` sessions, then reports the database file's size over `seconds`.
    static func fileGrowth(_ checkpoints: WALCheckpoints, count: Int, within seconds: Double) throws -> (before: Int, after: Int, backstop: Int64) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("checkpoint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("sessions.sqlite").path
        let store = try SQLiteSessionStore(path: path, create: true, checkpoints: checkpoints)
        let size = { ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int) ?? 0 }
        // Let any checkpoint of the schema's creation finish, then measure from there.
        Thread.sleep(forTimeInterval: 0.3)
        let before = size()
        for index in 0..<count {
            let record = SessionRecord(
                id: "s\(index)", user: "user\(index)", client: "web", ip: "203.0.113.\(index % 250)",
                userAgent: String(repeating: "agent ", count: 20), createdAt: 1_767_225_600,
                lastUsedAt: 1_767_225_600, expiresAt: 1_767_225_600 + 86_400, idleExpiresAt: 1_767_225_600 + 3_600)
            try store.createSession(record, refreshTokenHash: HashFunction.sha256.hash(Array("token\(index)".utf8)))
        }
        let deadline = Date().addingTimeInterval(seconds)
        while size() <= before, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let backstop = try store.withConnection { db throws(SQLiteError) in try db.scalarInt("PRAGMA wal_autocheckpoint") }
        return (before, size(), backstop)
    }

    @Test("with a background checkpointer the file grows without a commit checkpointing; without one it waits for 1,000 pages")
    func checkpointsOffTheWritePath() throws {
        // 50 sessions append a few hundred pages to the log, under the 1,000 of an automatic checkpoint.
        let background = try Self.fileGrowth(.background(interval: 0.05), count: 50, within: 3)
        #expect(background.after > background.before)
        #expect(background.backstop == Int64(WALCheckpointer.backstopPages))
        let automatic = try Self.fileGrowth(.automatic, count: 50, within: 0.5)
        #expect(automatic.after == automatic.before)
        #expect(automatic.backstop == 1000)
    }
}
