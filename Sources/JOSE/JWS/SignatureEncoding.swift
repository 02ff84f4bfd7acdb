/// The exact byte shape of a JWS signature for each algorithm, checked before OpenSSL sees
/// the bytes, so that one signature has exactly one encoding (and so one token string).
///
/// - HMAC: exactly the hash's length (RFC 7518 §3.2).
/// - RSA, PKCS #1 v1.5 and PSS: exactly k bytes, the modulus' length (RFC 8017 §8.1.2 and
///   §8.2.2, step 1). A PSS signature with its leading zero byte dropped is refused.
/// - ECDSA: R‖S, exactly twice the curve's coordinate size, with 0 < r < n and 0 < s < n
///   (RFC 7518 §3.4, FIPS 186-4 §6.4.2). The high-s form (s > n/2) is valid ECDSA and
///   accepted: JWS does not require low-s.
/// - Ed25519: exactly 64 bytes, with S < L, the group order (RFC 8032 §5.1.7).
///
/// Pure functions over bytes: no OpenSSL, no allocation.
enum SignatureEncoding {
    /// Why `signature` cannot be a well-formed signature for `algorithm` with a key whose
    /// RSA modulus is `rsaModulusBytes` long (ignored for other families), or nil when it
    /// has the exact shape.
    static func defect(_ signature: UnsafeRawBufferPointer, algorithm: JWSAlgorithm, rsaModulusBytes: Int) -> String? {
        switch algorithm.family {
        case .hmac:
            let length = algorithm.hash?.byteCount ?? 0
            return signature.count == length ? nil : "an HMAC tag of \(signature.count) bytes, not \(length)"
        case .rsaPKCS1, .rsaPSS:
            return signature.count == rsaModulusBytes ? nil : "an RSA signature of \(signature.count) bytes, not the modulus' \(rsaModulusBytes)"
        case .ecdsa(let curve):
            return ecdsaDefect(signature, curve: curve)
        case .eddsa:
            return ed25519Defect(signature)
        }
    }

    /// R‖S of the right length with both halves in [1, n − 1].
    static func ecdsaDefect(_ signature: UnsafeRawBufferPointer, curve: ECCurve) -> String? {
        let size = curve.coordinateByteCount
        guard signature.count == size * 2 else { return "an ECDSA signature of \(signature.count) bytes, not \(size * 2)" }
        let order = curve.order
        for (name, start) in [("r", 0), ("s", size)] {
            let half = UnsafeRawBufferPointer(rebasing: signature[start..<(start + size)])
            if half.allSatisfy({ $0 == 0 }) { return "ECDSA \(name) is zero" }
            if compareBigEndian(half, order) >= 0 { return "ECDSA \(name) is not below the group order" }
        }
        return nil
    }

    /// 64 bytes with the scalar S (little-endian, bytes 32…63) below L.
    static func ed25519Defect(_ signature: UnsafeRawBufferPointer) -> String? {
        guard signature.count == 64 else { return "an Ed25519 signature of \(signature.count) bytes, not 64" }
        // Compare S with L from the most significant byte (the last one) down.
        for index in stride(from: 31, through: 0, by: -1) {
            let s = signature[32 + index]
            let l = ed25519Order[index]
            if s < l { return nil }
            if s > l { break }
        }
        return "Ed25519 S is not below the group order"
    }

    /// L = 2^252 + 27742317777372353535851937790883648493, little-endian (RFC 8032 §5.1).
    static let ed25519Order: [UInt8] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
    ]

    /// −1, 0 or 1 as `a` is below, equal to or above `b`; both big-endian, same length.
    static func compareBigEndian(_ a: UnsafeRawBufferPointer, _ b: [UInt8]) -> Int {
        precondition(a.count == b.count)
        for index in 0..<a.count where a[index] != b[index] {
            return a[index] < b[index] ? -1 : 1
        }
        return 0
    }
}
