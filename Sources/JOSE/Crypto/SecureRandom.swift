internal import COpenSSL

/// Randomness from OpenSSL's CSPRNG (`RAND_bytes`), the only source the product uses for
/// keys, token ids and refresh tokens.
public enum SecureRandom {
    /// `count` random bytes. Traps if the CSPRNG fails: continuing without randomness
    /// would be worse than stopping.
    public static func bytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        if count == 0 { return out }
        let ok = out.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32($0.count)) }
        precondition(ok == 1, "RAND_bytes failed")
        return out
    }

    /// A random identifier: `byteCount` random bytes in base64url.
    public static func identifier(byteCount: Int = 16) -> String {
        Base64URL.encode(bytes(byteCount))
    }
}
