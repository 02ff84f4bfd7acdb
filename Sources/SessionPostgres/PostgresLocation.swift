internal import CPostgres
import Foundation
import SessionCore

/// A PostgreSQL store named by `--db`: a libpq URI (`postgres://…`, `postgresql://…`) or
/// `postgres:` followed by `key=value` connection parameters.
///
/// Guarantees: the text is checked by libpq's own parser before any connection is made; the
/// `display` form (`user@host:port/db`) never holds a password, whichever way it was given.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    /// What libpq connects with.
    let conninfo: String
    /// `user@host:port/db`, for messages and the console's title line.
    public let display: String

    /// True when `text` names a PostgreSQL store rather than a file.
    public static func names(_ text: String) -> Bool { StoreAddress.isPostgres(text) }

    /// Parses `text`; `.unusable` with libpq's reason (never the password) when it is not a
    /// valid URI or parameter list.
    public init(_ text: String) throws(StoreError) {
        let conninfo: String
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            conninfo = text
        } else if text.hasPrefix("postgres:") {
            conninfo = String(text.dropFirst("postgres:".count))
        } else {
            throw .unusable("\(text.prefix(40)) is not a postgres:// URI")
        }
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &error) else {
            let reason = error.map { String(cString: $0) } ?? "out of memory"
            if let error { PQfreemem(error) }
            throw .unusable("invalid PostgreSQL connection string: \(Self.redacted(PGConnection.firstLine(reason)))")
        }
        defer { PQconninfoFree(options) }
        var values: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { values[String(cString: keyword)] = String(cString: value) }
            option += 1
        }
        let environment = ProcessInfo.processInfo.environment
        func value(_ keyword: String, _ variable: String) -> String? {
            values[keyword].flatMap { $0.isEmpty ? nil : $0 } ?? environment[variable].flatMap { $0.isEmpty ? nil : $0 }
        }
        let user = value("user", "PGUSER") ?? NSUserName()
        let host = value("host", "PGHOST") ?? "localhost"
        let port = value("port", "PGPORT").map { ":\($0)" } ?? ""
        let database = value("dbname", "PGDATABASE") ?? user
        self.conninfo = conninfo
        self.display = "\(user)@\(host)\(port)/\(database)"
    }

    public var description: String { display }

    /// libpq's parse error without what it quotes: it quotes the URI, or a fragment of the
    /// parameters, either of which may hold the password.
    static func redacted(_ message: String) -> String {
        var out = ""
        var quoted = false
        for character in message {
            if character == "\"" {
                if !quoted { out += "\"…\"" }
                quoted.toggle()
            } else if !quoted {
                out.append(character)
            }
        }
        return out.replacingOccurrences(of: " in URI: \"…\"", with: "")
    }
}
