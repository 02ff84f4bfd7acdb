import Foundation
import SessionCore
import SessionPostgres

/// The PostgreSQL server `make test` starts (`SESSION_TEST_POSTGRES`, a libpq URI of an
/// administrative connection). Each fixture gets a database of its own, dropped after.
enum PostgresTestServer {
    static let adminURI = ProcessInfo.processInfo.environment["SESSION_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }

    /// True when a server was given.
    static var available: Bool { adminURI != nil }

    /// A fresh, empty database; returns its URI.
    static func createDatabase() throws -> (name: String, uri: String) {
        guard let adminURI else { throw StoreError.unusable("SESSION_TEST_POSTGRES is not set") }
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try psql(adminURI, "CREATE DATABASE \(name)")
        return (name, uri(adminURI, database: name))
    }

    static func dropDatabase(_ name: String) {
        guard let adminURI else { return }
        try? psql(adminURI, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// `adminURI` with its database replaced by `database`.
    static func uri(_ adminURI: String, database: String) -> String {
        guard var components = URLComponents(string: adminURI) else { return adminURI }
        components.path = "/" + database
        return components.string ?? adminURI
    }

    /// Runs SQL with libpq's own `psql`.
    @discardableResult
    static func psql(_ uri: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = [uri, "-v", "ON_ERROR_STOP=1", "-qAtX", "-c", sql]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else { throw StoreError.unusable("psql failed: \(text)") }
        return text
    }
}
