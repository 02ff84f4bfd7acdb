/// Checks on public-key members that OpenSSL does not make on import, each of which would
/// otherwise let anyone forge tokens for the key. Pure functions over the JWK's bytes; each
/// returns the stable reason a key is refused, or nil.
///
/// - RSA (RFC 8017 §3.1): the exponent is odd and 3 ≤ e ≤ n − 1 (e = 1 makes the
///   "signature" the padded hash itself); the modulus is odd.
/// - Ed25519 (RFC 8032 §5.1.3): the encoded y is below p = 2^255 − 19 (a non-canonical
///   encoding such as y = p + 1 must fail to decode), and the point is not one of the
///   eight points of small order, which verify forged signatures (libsodium refuses them
///   as public keys too).
/// - EC points are checked by OpenSSL (`EVP_PKEY_public_check`: on the named curve, not
///   the point at infinity) where the key is built.
enum PublicKeyValidation {
    /// Why an RSA public key with big-endian modulus `n` and exponent `e` is unusable.
    static func rsaDefect(n: [UInt8], e: [UInt8]) -> String? {
        let n = n.drop(while: { $0 == 0 })
        let e = e.drop(while: { $0 == 0 })
        guard let lastN = n.last, lastN & 1 == 1 else { return "RSA modulus n is even" }
        guard let lastE = e.last, lastE & 1 == 1 else { return "RSA public exponent e is even" }
        if e.count == 1, lastE < 3 { return "RSA public exponent e is \(lastE), below 3" }
        if e.count > n.count || (e.count == n.count && !e.lexicographicallyPrecedes(n)) {
            return "RSA public exponent e is not below the modulus n"
        }
        return nil
    }

    /// Why the 32-byte Ed25519 public key `x` is unusable.
    static func ed25519Defect(x: [UInt8]) -> String? {
        guard x.count == 32 else { return "Ed25519 public key is \(x.count) bytes, not 32" }
        var y = x
        y[31] &= 0x7f  // the top bit is the sign of the x coordinate, not part of y
        if !y.reversed().lexicographicallyPrecedes(ed25519FieldPrime.reversed()) {
            return "Ed25519 public key is not canonical (y is not below 2^255 - 19)"
        }
        if ed25519SmallOrderY.contains(y) {
            return "Ed25519 public key is a point of small order"
        }
        return nil
    }

    /// p = 2^255 − 19, little-endian.
    static let ed25519FieldPrime: [UInt8] = [0xed] + [UInt8](repeating: 0xff, count: 30) + [0x7f]

    /// The canonical y coordinates (little-endian, sign bit cleared) of the eight points of
    /// small order: y = 1 (the identity), y = p − 1 (order 2), y = 0 (the two points of
    /// order 4) and the two y values shared by the four points of order 8.
    static let ed25519SmallOrderY: [[UInt8]] = [
        [0x01] + [UInt8](repeating: 0, count: 31),
        [0xec] + [UInt8](repeating: 0xff, count: 30) + [0x7f],
        [UInt8](repeating: 0, count: 32),
        [
            0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
            0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05,
        ],
        [
            0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f,
            0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a,
        ],
    ]
}
