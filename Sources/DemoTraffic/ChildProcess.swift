import Foundation

/// A child process (sessiond, demo-api) that is stopped when this object is, and whose
/// first stdout line tells that it is ready.
public final class ChildProcess: @unchecked Sendable {
    private let process = Process()
    private let output = Pipe()
    public let name: String

    /// Starts `executable` with `arguments`; stderr goes to `logPath` (appended).
    public init(name: String, executable: String, arguments: [String], logPath: String) throws {
        self.name = name
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = output
        if !FileManager.default.fileExists(atPath: logPath) { _ = FileManager.default.createFile(atPath: logPath, contents: nil) }
        let log = FileHandle(forWritingAtPath: logPath)
        log?.seekToEndOfFile()
        process.standardError = log
        try process.run()
    }

    deinit { stop() }

    /// Waits up to `timeout` seconds for a stdout line containing `marker`; false if the
    /// process exits or the time passes first.
    public func waitForLine(containing marker: String, timeout: Double) -> Bool {
        let handle = output.fileHandleForReading
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = ""
        while Date() < deadline, process.isRunning {
            let chunk = handle.availableData
            if chunk.isEmpty { Thread.sleep(forTimeInterval: 0.05); continue }
            buffer += String(decoding: chunk, as: UTF8.self)
            if buffer.contains(marker) { return true }
        }
        return buffer.contains(marker)
    }

    public var isRunning: Bool { process.isRunning }

    /// SIGTERM, then SIGKILL after two seconds if it is still there.
    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(2)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
