import Foundation
import JOSE
import SessionCore
import Testing

/// Exports stream every matching session in listing order, in bounded pages, on every store;
/// only public fields; hostile text cannot reach a terminal or run in a spreadsheet.
@Suite("Session export")
struct SessionExportTests {
    static func export(_ store: any SessionStore, _ query: SessionQuery, _ format: SessionExport.Format, cap: Int = .max) throws -> (String, [Int]) {
        var text = ""
        var progress: [Int] = []
        try SessionExport.run(query, in: store, now: StoreFixture.now, format: format, cap: cap, write: { text += $0 }, progress: { progress.append($0) })
        return (text, progress)
    }

    @Test("every match, across pages, in listing order; the cap is exact", arguments: StoreKind.allCases)
    func pages(_ kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let count = SessionExport.pageSize * 2 + 17
        var batch: [ImportedSession] = []
        for index in 0..<count {
            let at = StoreFixture.now - Double(index)
            let session = SessionRecord(
                id: String(format: "s%05d", index), user: index % 2 == 0 ? "alice" : "bob", client: "web", ip: "203.0.113.\(index % 250)", userAgent: "ua",
                createdAt: at, lastUsedAt: at, expiresAt: at + 86_400, idleExpiresAt: at + 86_400)
            batch.append(
                ImportedSession(
                    session: session,
                    family: [
                        RefreshTokenRecord(
                            hash: HashFunction.sha256.hash("t\(index)"), sessionID: session.id, parentHash: nil, issuedAt: at, issuedIP: session.ip)
                    ]))
        }
        try fixture.store.importSessions(batch)
        let (ndjson, progress) = try Self.export(fixture.store, SessionQuery(limit: 10), .ndjson)
        let ids = ndjson.split(separator: "\n").map { line -> String in
            (try? JSONReader.parseObject(Array(line.utf8)))?["id"]?.stringValue ?? "?"
        }
        #expect(ids == (0..<count).map { String(format: "s%05d", $0) })
        #expect(progress == [1_000, 2_000, count])
        let (alice, _) = try Self.export(fixture.store, SessionQuery(user: "alice"), .ndjson)
        #expect(alice.split(separator: "\n").count == (count + 1) / 2)
        let (capped, _) = try Self.export(fixture.store, SessionQuery(), .csv, cap: 1_500)
        #expect(capped.split(separator: "\r\n").count == 1 + 1_500)
        let (json, _) = try Self.export(fixture.store, SessionQuery(state: .revoked), .json)
        #expect(json == "[]\n")
        #expect(!ndjson.contains("hash") && !ndjson.contains("token"))
    }

    @Test("CSV: RFC 4180 quoting, formulas neutralised, control characters gone; JSON the same fields")
    func hostileText() throws {
        let fixture = try StoreFixture(.memory)
        let session = SessionRecord(
            id: "s1", user: "=HYPERLINK(\"http://evil\")", client: "web", ip: "203.0.113.9", userAgent: "evil\u{1B}[31m, \"red\"\u{7}\nnext",
            createdAt: StoreFixture.now, lastUsedAt: StoreFixture.now, expiresAt: StoreFixture.now + 60, idleExpiresAt: StoreFixture.now + 60,
            revokedAt: StoreFixture.now, revokeReason: "-2+3", revokedBy: "@admin")
        try fixture.store.importSessions([ImportedSession(session: session, family: [])])
        let (csv, _) = try Self.export(fixture.store, SessionQuery(), .csv)
        let lines = csv.components(separatedBy: "\r\n")
        #expect(lines[0] == SessionExport.columns.joined(separator: ","))
        #expect(lines[1].hasPrefix("s1,\"'=HYPERLINK(\"\"http://evil\"\")\",revoked,"))
        #expect(lines[1].contains(",\"evil[31m, \"\"red\"\"next\",") && lines[1].hasSuffix(",'-2+3,'@admin"))
        #expect(!csv.contains("\u{1B}") && !csv.contains("\u{7}"))
        let (ndjson, _) = try Self.export(fixture.store, SessionQuery(), .ndjson)
        let object = try JSONReader.parseObject(Array(ndjson.dropLast().utf8))
        #expect(object.map(\.0).sorted() == SessionExport.columns.sorted())
        #expect(object["user_agent"]?.stringValue == "evil[31m, \"red\"next")
    }

    @Test("an atomic file appears whole on commit, and not at all without it")
    func atomic() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/out.csv"
        do {
            let file = try AtomicFile(path: path)
            try file.write("half")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(!FileManager.default.fileExists(atPath: path) && left.isEmpty)
        let file = try AtomicFile(path: path)
        try file.write("a,b\r\n")
        #expect(!FileManager.default.fileExists(atPath: path))
        try file.commit()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "a,b\r\n")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(throws: StoreError.self) { try AtomicFile(path: folder + "/missing/out.csv") }
    }
}
