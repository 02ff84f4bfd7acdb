internal import COpenSSL
import JOSE

/// Password hashing with scrypt from OpenSSL (`EVP_PBE_scrypt`).
///
/// The stored form is `scrypt$<log2 N>$<r>$<p>$<salt b64url>$<hash b64url>`, so the
/// parameters travel with each hash and can be raised later. Verification recomputes
/// with the stored parameters and compares in constant time. `verifyDummy` spends the
/// same time for an unknown user, so timing does not reveal which users exist.
public struct PasswordHasher: Sendable {
    /// log2 of scrypt's N (cost).
    public let logN: Int
    /// scrypt's block size r.
    public let r: Int
    /// scrypt's parallelism p.
    public let p: Int

    /// The product's default: N = 2^15, r = 8, p = 1 (32 MiB, tens of milliseconds).
    public static let standard = PasswordHasher(logN: 15, r: 8, p: 1)

    public init(logN: Int, r: Int, p: Int) {
        self.logN = logN
        self.r = r
        self.p = p
    }

    /// A new stored hash of `password` with a fresh 16-byte salt.
    public func hash(_ password: String) throws(CryptoError) -> String {
        let salt = SecureRandom.bytes(16)
        let derived = try Self.derive(password, salt: salt, logN: logN, r: r, p: p)
        return "scrypt$\(logN)$\(r)$\(p)$\(Base64URL.encode(salt))$\(Base64URL.encode(derived))"
    }

    /// True when `password` matches `stored`. A malformed stored hash never matches.
    public static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "scrypt",
            let logN = Int(parts[1]), let r = Int(parts[2]), let p = Int(parts[3]),
            (10...20).contains(logN), (1...32).contains(r), (1...16).contains(p),
            let salt = Base64URL.decode(String(parts[4])), let expected = Base64URL.decode(String(parts[5])),
            expected.count == 32,
            let derived = try? derive(password, salt: salt, logN: logN, r: r, p: p)
        else { return false }
        return ConstantTime.equals(derived, expected)
    }

    /// Spends the time of one verification and returns false: for unknown users.
    public func verifyDummy(_ password: String) -> Bool {
        _ = try? Self.derive(password, salt: [UInt8](repeating: 0, count: 16), logN: logN, r: r, p: p)
        return false
    }

    private static func derive(_ password: String, salt: [UInt8], logN: Int, r: Int, p: Int) throws(CryptoError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        // A trailing NUL keeps the buffer non-empty for an empty password; it is not hashed.
        var passwordBytes = Array(password.utf8CString)
        defer { passwordBytes.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) } }
        let length = passwordBytes.count - 1
        let maxMemory: UInt64 = 256 * 1024 * 1024
        let ok = passwordBytes.withUnsafeBufferPointer { pw in
            EVP_PBE_scrypt(
                pw.baseAddress, length, salt, salt.count, UInt64(1) << UInt64(logN),
                UInt64(r), UInt64(p), maxMemory, &out, out.count)
        }
        guard ok == 1 else { throw CryptoError.openSSL("EVP_PBE_scrypt") }
        return out
    }
}
