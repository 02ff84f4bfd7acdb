import ArgumentParser
import Foundation
import SessionCore
import JOSE
import SessionPostgres
import SessionSQLite

/// `--db PATH`: the store, else `$SESSIONCTL_DB`, else `data/sessions.sqlite`.
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: ArgumentHelp("The store (default: $SESSIONCTL_DB, else data/sessions.sqlite).", valueName: "PATH"))
    var path: String?

    @Option(help: ArgumentHelp("normal (default: a commit survives a crash of the process) or full (also a power loss; slower).", valueName: "MODE"))
    var synchronous: String = "normal"

    func validate() throws {
        guard SQLiteSynchronous(rawValue: synchronous.uppercased()) != nil else { throw ValidationError("--synchronous must be normal or full") }
    }

    var resolvedPath: String {
        if let path, !path.isEmpty { return path }
        if let env = ProcessInfo.processInfo.environment["SESSIONCTL_DB"], !env.isEmpty { return env }
        return "data/sessions.sqlite"
    }

    /// Opens the store; a store that cannot be used exits 64 with one line. `longRunning`
    /// (the console, a bulk revocation) gives a SQLite store its own checkpointer thread, as
    /// sessiond has, so a commit never waits for the log to be copied into the file.
    func open(create: Bool = false, readOnly: Bool = false, longRunning: Bool = false) throws -> any SessionStore {
        try openStore(
            resolvedPath, create: create, readOnly: readOnly, synchronous: SQLiteSynchronous(rawValue: synchronous.uppercased()) ?? .normal,
            checkpoints: longRunning ? .background(interval: 0.1) : .automatic)
    }

    /// True for a SQLite file this process may not (or is not meant to) write: no write
    /// permission, or no write bit at all (root may write anywhere, but such a file is meant
    /// to stay unchanged).
    var isReadOnlyFile: Bool {
        let path = resolvedPath
        guard !StoreAddress.isPostgres(path), FileManager.default.fileExists(atPath: path) else { return false }
        let mode = (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? 0o600
        return !FileManager.default.isWritableFile(atPath: path) || mode & 0o222 == 0
    }

    /// The key-encryption key for this store, created beside it when allowed.
    func keyEncryptionKey(create: Bool) throws -> KeyEncryptionKey {
        do {
            let (key, warning) = try KeyEncryptionKey.load(environment: ProcessInfo.processInfo.environment, storePath: resolvedPath, create: create)
            if let warning { printError(warning) }
            return key
        } catch {
            throw storeFailure(error)
        }
    }

    /// The administrative acts on `db`; the key-encryption key (created beside the store
    /// when missing, with a warning) is loaded only when a fresh key must be sealed.
    func administration(_ db: any SessionStore) -> Administration {
        let path = resolvedPath
        return Administration(store: db) { () throws(StoreError) -> KeyEncryptionKey in
            let (key, warning) = try KeyEncryptionKey.load(environment: ProcessInfo.processInfo.environment, storePath: path, create: true)
            if let warning { printError(warning) }
            return key
        }
    }

}

/// Opens the store `text` names: a SQLite file, or a PostgreSQL database (`postgres://…`);
/// one that cannot be used exits 64 with one line (never a password).
func openStore(
    _ text: String, create: Bool = false, readOnly: Bool = false, synchronous: SQLiteSynchronous = .normal, checkpoints: WALCheckpoints = .automatic
) throws -> any SessionStore {
    do {
        if StoreAddress.isPostgres(text) { return try PostgresSessionStore(PostgresLocation(text), readOnly: readOnly) }
        return try SQLiteSessionStore(path: text, create: create, readOnly: readOnly, synchronous: synchronous, checkpoints: checkpoints)
    } catch {
        throw storeFailure(error)
    }
}

/// How a store is named in messages and on the console's title line: the path, or
/// `user@host/db` for PostgreSQL (never its password).
func storeDisplayName(_ text: String) -> String {
    guard StoreAddress.isPostgres(text) else { return text }
    return (try? PostgresLocation(text).display) ?? "PostgreSQL"
}

/// `--reason` (required) and `--actor` (default: the login name) for dangerous commands.
struct AuditOptions: ParsableArguments {
    @Option(help: "Why: recorded in the audit log (required).")
    var reason: String

    @Option(help: "Who: recorded in the audit log (default: your login name).")
    var actor: String?

    func validate() throws {
        if reason.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--reason must not be empty") }
    }

    func context(at now: Double = SystemClock.now()) -> AuditContext {
        AuditContext(actor: actor ?? defaultActor(), reason: reason, at: now)
    }
}

/// The login name, for audit entries.
func defaultActor() -> String {
    let env = ProcessInfo.processInfo.environment
    if let user = env["SUDO_USER"] ?? env["USER"] ?? env["LOGNAME"], !user.isEmpty { return user }
    return ProcessInfo.processInfo.userName.isEmpty ? "unknown" : ProcessInfo.processInfo.userName
}

/// Prints a store failure and returns its exit code: 1 for not found or refused, 64 for
/// a store that cannot be used.
func storeFailure(_ error: StoreError) -> ExitCode {
    switch error {
    case .notFound(let message):
        printError("error: \(message)")
        return ExitStatus.rejected
    case .refused(let message):
        printError("refused: \(message)")
        return ExitStatus.rejected
    case .unusable(let message), .busy(let message):
        printError("error: \(message)")
        return ExitStatus.usage
    }
}

/// Runs a store operation, mapping `StoreError` to its exit code.
func withStore<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as StoreError {
        throw storeFailure(error)
    }
}

/// Prints a list as a JSON array (`--json`).
func printJSONArray(_ objects: [JSONObject]) {
    printOut(JSONWriter.string(.array(objects.map { .object($0) }), style: .pretty))

}
