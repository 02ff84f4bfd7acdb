import Foundation
import JOSE

/// A file written under a temporary name beside its destination and renamed into place on
/// `commit()`: readers see the old file or the whole new one, never half of it. Not
/// committed (an error, a cancelled export), the temporary file is removed when this is.
public final class AtomicFile {
    public let path: String
    private let temporaryPath: String
    private let handle: FileHandle
    private var committed = false

    /// Creates the temporary file (mode 0600: exports hold personal data). Throws a one-line
    /// reason when the folder is missing or not writable.
    public init(path: String) throws(StoreError) {
        self.path = path
        let folder = (path as NSString).deletingLastPathComponent
        temporaryPath = (folder.isEmpty ? "." : folder) + "/." + (path as NSString).lastPathComponent + ".tmp-" + SecureRandom.identifier()
        guard FileManager.default.createFile(atPath: temporaryPath, contents: nil, attributes: [.posixPermissions: 0o600]),
            let handle = FileHandle(forWritingAtPath: temporaryPath)
        else {
            let reason = FileManager.default.fileExists(atPath: folder.isEmpty ? "." : folder) ? "permission denied" : "no such folder"
            throw .unusable("cannot write \(path): \(reason)")
        }
        self.handle = handle
    }

    deinit {
        try? handle.close()
        if !committed { try? FileManager.default.removeItem(atPath: temporaryPath) }
    }

    /// Appends `text`.
    public func write(_ text: String) throws(StoreError) {
        do { try handle.write(contentsOf: Data(text.utf8)) } catch { throw .unusable("cannot write \(path): \(error.localizedDescription)") }
    }

    /// Flushes to disk and renames the file into place.
    public func commit() throws(StoreError) {
        do {
            try handle.synchronize()
            try handle.close()
        } catch {
            throw .unusable("cannot write \(path): \(error.localizedDescription)")
        }
        guard rename(temporaryPath, path) == 0 else { throw .unusable("cannot rename into \(path): \(String(cString: strerror(errno)))") }
        committed = true
    }
}
