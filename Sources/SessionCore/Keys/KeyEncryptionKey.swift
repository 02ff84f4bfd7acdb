import Foundation
import JOSE

/// The 32-byte key that seals private signing keys at rest (AES-256-GCM).
///
/// Found, in order: `SESSION_KEK` (base64url or hex text in the environment),
/// `SESSION_KEK_FILE` (a file holding that text), or, for a SQLite store, the file
/// `<store>.kek` beside the database. When none exists and creation is allowed, that file is
/// created with mode 0600 (exclusively, so two processes cannot race) and a warning says so.
/// A PostgreSQL store takes its KEK only from the environment: every instance needs the same.
public struct KeyEncryptionKey: Sendable {
    /// The key bytes; never printed.
    public let bytes: [UInt8]
    /// Where it came from, for messages (never the key itself).
    public let source: String

    init(bytes: [UInt8], source: String) {
        self.bytes = bytes
        self.source = source
    }

    /// The default key file for a store.
    public static func defaultPath(forStore storePath: String) -> String { storePath + ".kek" }

    /// Loads the KEK; `warning` is set when a new key file was created. Throws
    /// `.unusable` for a malformed key or an unreadable file, `.refused` when there is
    /// none and `create` is false.
    public static func load(environment: [String: String], storePath: String, create: Bool) throws(StoreError) -> (key: KeyEncryptionKey, warning: String?) {
        if let text = environment["SESSION_KEK"], !text.isEmpty {
            return (try parse(text, source: "SESSION_KEK"), nil)
        }
        if let path = environment["SESSION_KEK_FILE"], !path.isEmpty {
            return (try read(path: path), nil)
        }
        if StoreAddress.isPostgres(storePath) {
            // Every instance must seal and open keys with the same KEK: never generate one
            // that only this process would know.
            throw .unusable("a PostgreSQL store needs its key-encryption key from SESSION_KEK or SESSION_KEK_FILE, the same for every instance")
        }
        let path = defaultPath(forStore: storePath)
        if FileManager.default.fileExists(atPath: path) { return (try read(path: path), nil) }
        guard create else {
            throw .refused("no key-encryption key: set SESSION_KEK or SESSION_KEK_FILE, or keep \(path) beside the store")
        }
        let bytes = SecureRandom.bytes(32)
        let text = Base64URL.encode(bytes) + "\n"
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { return (try read(path: path), nil) }
            throw .unusable("cannot create key-encryption key \(path): \(String(cString: strerror(errno)))")
        }
        let written = text.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
        let synced = fsync(fd)
        close(fd)
        guard written == text.utf8.count, synced == 0 else {
            unlink(path)
            throw .unusable("cannot write key-encryption key \(path)")
        }
        return (
            KeyEncryptionKey(bytes: bytes, source: path),
            "warning: created key-encryption key \(path) (mode 0600); back it up and keep it apart from the store: without it the signing keys cannot be used"
        )
    }

    private static func read(path: String) throws(StoreError) -> KeyEncryptionKey {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unusable("cannot read key-encryption key \(path)")
        }
        return try parse(String(decoding: data, as: UTF8.self), source: path)
    }

    private static func parse(_ text: String, source: String) throws(StoreError) -> KeyEncryptionKey {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.count == 64, let bytes = hex(trimmed) { return KeyEncryptionKey(bytes: bytes, source: source) }
        if let bytes = Base64URL.decode(trimmed), bytes.count == 32 { return KeyEncryptionKey(bytes: bytes, source: source) }
        throw .unusable("key-encryption key from \(source) must be 32 bytes as base64url (43 characters) or hex (64)")
    }

    private static func hex(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            guard let h = nibble(high), let l = nibble(low) else { return nil }
            out.append(h << 4 | l)
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: c - 48
        case 97...102: c - 87
        case 65...70: c - 55
        default: nil
        }
    }
}
