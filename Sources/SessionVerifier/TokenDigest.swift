import SessionCore

/// SHA-256 of a token, the verified-token cache's key: the cache never holds the token.
struct TokenDigest: Hashable, Sendable {
    let a: UInt64, b: UInt64, c: UInt64, d: UInt64

    init(_ token: String) {
        var token = token
        let digest = token.withUTF8 { HashFunction.sha256.hash(buffer: UnsafeRawBufferPointer($0)) }
        func word(_ i: Int) -> UInt64 {
            var value: UInt64 = 0
            for byte in digest[i * 8 ..< i * 8 + 8] { value = value << 8 | UInt64(byte) }
            return value
        }
        a = word(0); b = word(1); c = word(2); d = word(3)
    }

    /// Hashing one word is enough: the digest is already uniform.
    func hash(into hasher: inout Hasher) { hasher.combine(a) }
}
