import ArgumentParser
import Foundation
import SessionCore
import JOSE

/// The documented exit statuses.
enum ExitStatus {
    /// A token was rejected, an object was not found, or a signing request was refused.
    static let rejected = ExitCode(1)
    /// Usage or input error.
    static let usage = ExitCode(64)
}

/// Prints one line to standard error.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// Prints `rejected: <code>: <detail>` and returns the exit code to throw.
func reject(_ rejection: TokenRejection) -> ExitCode {
    printError("rejected: \(rejection)")
    return ExitStatus.rejected
}

/// Prints `error: <message>` and returns exit 64.
func usageError(_ message: String) -> ExitCode {
    printError("error: \(message)")
    return ExitStatus.usage
}

/// Input helpers shared by the commands.
enum CommandInput {
    /// The most a token read from standard input may be before it is refused unread.
    static let stdinLimit = 4 * 1024 * 1024
    /// The largest key or claims file read.
    static let fileLimit = 1024 * 1024

    /// The argument, or standard input when it is `-`, with surrounding whitespace
    /// removed. Input past `limit` bytes is cut there, so the caller sees it as too large.
    static func argumentOrStdin(_ argument: String, limit: Int = stdinLimit) -> String {
        let text = argument == "-" ? readStandardInput(limit: limit) : argument
        return trimmed(text)
    }

    /// A password or secret from standard input, one trailing newline stripped; exit 64
    /// when it is empty or over 1024 bytes.
    static func secretFromStandardInput(what: String) throws -> String {
        var secret = readStandardInput(limit: 4096)
        if secret.hasSuffix("\r\n") { secret.removeLast(1) } else if secret.hasSuffix("\n") { secret.removeLast() }
        guard !secret.isEmpty else { throw usageError("the \(what) on standard input is empty") }
        guard secret.utf8.count <= 1024 else { throw usageError("the \(what) is longer than 1024 bytes") }
        return secret
    }

    /// The stored (scrypt) form of a password or client secret; exit 64 if hashing fails.
    static func storedHash(of secret: String, what: String) throws -> String {
        do { return try PasswordHasher.standard.hash(secret) } catch { throw usageError("\(what) hashing failed: \(error)") }
    }

    /// Reads standard input up to `limit` bytes (plus one, to tell "more" from "exactly").
    static func readStandardInput(limit: Int) -> String {
        var data = Data()
        while data.count <= limit {
            let chunk = FileHandle.standardInput.readData(ofLength: min(65_536, limit + 1 - data.count))
            if chunk.isEmpty { break }
            data.append(chunk)
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// A file's text. Throws exit 64 with a one-line message when it cannot be read, is
    /// too large or is not UTF-8.
    static func file(_ path: String, what: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file"
            throw usageError("cannot read \(what) \(path): \(reason)")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: fileLimit + 1) ?? Data()
        } catch {
            throw usageError("cannot read \(what) \(path): \(error.localizedDescription)")
        }
        guard data.count <= fileLimit else { throw usageError("\(what) \(path) is larger than \(fileLimit) bytes") }
        guard let text = String(data: data, encoding: .utf8) else { throw usageError("\(what) \(path) is not UTF-8 text") }
        return text
    }

    static func trimmed(_ text: String) -> String {
        var scalars = Substring(text).unicodeScalars
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}

/// Writes `text` and a newline to standard output.
func printOut(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
