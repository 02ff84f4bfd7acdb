internal import COpenSSL

/// An asymmetric key held by OpenSSL: the single owner of one `EVP_PKEY*`, freed in `deinit`.
///
/// Instances are immutable after construction; OpenSSL allows concurrent signing and
/// verification with one `EVP_PKEY` from several threads, so the class is `Sendable`.
public final class EVPKey: @unchecked Sendable {
    /// What family the key belongs to.
    public enum Kind: Sendable, Equatable {
        case rsa
        case ec(ECCurve)
        case ed25519
    }

    let pointer: OpaquePointer
    /// The key's family (and curve).
    public let kind: Kind
    /// True when the private half is present.
    public let hasPrivateKey: Bool

    private init(taking pointer: OpaquePointer, kind: Kind, hasPrivateKey: Bool) {
        self.pointer = pointer
        self.kind = kind
        self.hasPrivateKey = hasPrivateKey
    }

    deinit { EVP_PKEY_free(pointer) }

    /// The key size in bits (the modulus for RSA, the field for EC).
    public var bits: Int { Int(EVP_PKEY_get_bits(pointer)) }

    // MARK: Generation

    /// A new RSA key pair of `bits` bits with public exponent 65537.
    public static func generateRSA(bits: Int) throws(CryptoError) -> EVPKey {
        try generate(name: "RSA", kind: .rsa) { ctx in EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, Int32(bits)) }
    }

    /// A new EC key pair on `curve`.
    public static func generateEC(_ curve: ECCurve) throws(CryptoError) -> EVPKey {
        try generate(name: "EC", kind: .ec(curve)) { ctx in EVP_PKEY_CTX_set_group_name(ctx, curve.groupName) }
    }

    /// A new Ed25519 key pair.
    public static func generateEd25519() throws(CryptoError) -> EVPKey {
        try generate(name: "ED25519", kind: .ed25519) { _ in 1 }
    }

    private static func generate(name: String, kind: Kind, configure: (OpaquePointer) -> Int32) throws(CryptoError) -> EVPKey {
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, name, nil) else {
            throw CryptoError.openSSL("EVP_PKEY_CTX_new_from_name(\(name))")
        }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_keygen_init(ctx) == 1, configure(ctx) == 1 else { throw CryptoError.openSSL("keygen_init(\(name))") }
        var key: OpaquePointer?
        guard EVP_PKEY_generate(ctx, &key) == 1, let key else { throw CryptoError.openSSL("EVP_PKEY_generate(\(name))") }
        return EVPKey(taking: key, kind: kind, hasPrivateKey: true)
    }

    // MARK: Import from JWK members

    /// Private RSA members (RFC 7518 §6.3.2). `d` alone is enough; the CRT members are
    /// used when all five are present.
    public struct RSAPrivateMembers: Sendable {
        public var d: [UInt8]
        public var crt: (p: [UInt8], q: [UInt8], dp: [UInt8], dq: [UInt8], qi: [UInt8])?

        public init(d: [UInt8], crt: (p: [UInt8], q: [UInt8], dp: [UInt8], dq: [UInt8], qi: [UInt8])?) {
            self.d = d
            self.crt = crt
        }
    }

    /// An RSA key from its big-endian modulus and exponent, and optionally private members.
    /// Refuses a public key `PublicKeyValidation.rsaDefect` finds unusable (e = 1, even e).
    public static func rsa(n: [UInt8], e: [UInt8], privateMembers: RSAPrivateMembers? = nil) throws(CryptoError) -> EVPKey {
        if let defect = PublicKeyValidation.rsaDefect(n: n, e: e) { throw CryptoError(defect) }
        let builder = try ParamBuilder()
        try builder.push("n", bigEndian: n)
        try builder.push("e", bigEndian: e)
        if let privateMembers {
            try builder.push("d", bigEndian: privateMembers.d)
            if let crt = privateMembers.crt {
                try builder.push("rsa-factor1", bigEndian: crt.p)
                try builder.push("rsa-factor2", bigEndian: crt.q)
                try builder.push("rsa-exponent1", bigEndian: crt.dp)
                try builder.push("rsa-exponent2", bigEndian: crt.dq)
                try builder.push("rsa-coefficient1", bigEndian: crt.qi)
            }
        }
        let selection = privateMembers == nil ? shim_EVP_PKEY_PUBLIC_KEY() : shim_EVP_PKEY_KEYPAIR()
        let key = EVPKey(taking: try builder.makeKey(keyType: "RSA", selection: selection), kind: .rsa, hasPrivateKey: privateMembers != nil)
        return key
    }

    /// An EC key from its affine coordinates (each exactly the curve's size) and optional
    /// private scalar. The point is checked by OpenSSL to lie on the curve and not to be the
    /// point at infinity, and a private scalar to match it.
    public static func ec(curve: ECCurve, x: [UInt8], y: [UInt8], d: [UInt8]? = nil) throws(CryptoError) -> EVPKey {
        let size = curve.coordinateByteCount
        guard x.count == size, y.count == size else {
            throw CryptoError("\(curve.rawValue) coordinates must be \(size) bytes")
        }
        if let d, d.count != size { throw CryptoError("\(curve.rawValue) private key must be \(size) bytes") }
        let builder = try ParamBuilder()
        try builder.push("group", utf8: curve.groupName)
        try builder.push("pub", octets: [0x04] + x + y)
        if let d { try builder.push("priv", bigEndian: d) }
        let selection = d == nil ? shim_EVP_PKEY_PUBLIC_KEY() : shim_EVP_PKEY_KEYPAIR()
        let key = EVPKey(taking: try builder.makeKey(keyType: "EC", selection: selection), kind: .ec(curve), hasPrivateKey: d != nil)
        try key.check(pairwise: false)
        if d != nil { try key.check(pairwise: true) }
        return key
    }

    /// An Ed25519 key from its 32-byte public key and optional 32-byte seed; when both are
    /// given, the public key must be the one the seed derives. A non-canonical or small-order
    /// public key (`PublicKeyValidation.ed25519Defect`) is refused.
    public static func ed25519(x: [UInt8], d: [UInt8]? = nil) throws(CryptoError) -> EVPKey {
        guard x.count == 32 else { throw CryptoError("Ed25519 public key must be 32 bytes") }
        if let defect = PublicKeyValidation.ed25519Defect(x: x) { throw CryptoError(defect) }
        if let d {
            guard d.count == 32 else { throw CryptoError("Ed25519 private key must be 32 bytes") }
            let made = d.withUnsafeBufferPointer { EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, $0.baseAddress, 32) }
            guard let made else { throw CryptoError.openSSL("invalid Ed25519 private key") }
            let key = EVPKey(taking: made, kind: .ed25519, hasPrivateKey: true)
            guard key.rawPublicKey() == x else { throw CryptoError("Ed25519 public key does not match the private key") }
            return key
        }
        let made = x.withUnsafeBufferPointer { EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, $0.baseAddress, 32) }
        guard let made else { throw CryptoError.openSSL("invalid Ed25519 public key") }
        return EVPKey(taking: made, kind: .ed25519, hasPrivateKey: false)
    }

    private func check(pairwise: Bool) throws(CryptoError) {
        guard let ctx = EVP_PKEY_CTX_new_from_pkey(nil, pointer, nil) else { throw CryptoError.openSSL("EVP_PKEY_CTX_new_from_pkey") }
        defer { EVP_PKEY_CTX_free(ctx) }
        let ok = pairwise ? EVP_PKEY_pairwise_check(ctx) : EVP_PKEY_public_check(ctx)
        guard ok == 1 else { throw CryptoError.openSSL(pairwise ? "private key does not match public key" : "point is not on the curve") }
    }

    // MARK: Export

    /// A BIGNUM parameter as big-endian bytes, left-padded to `length` when given.
    func bigNumber(_ name: String, length: Int? = nil) -> [UInt8]? {
        var bn: OpaquePointer?
        guard EVP_PKEY_get_bn_param(pointer, name, &bn) == 1, let bn else {
            CryptoError.clearQueue()
            return nil
        }
        defer { BN_clear_free(bn) }
        let size = length ?? Int((BN_num_bits(bn) + 7) / 8)
        var out = [UInt8](repeating: 0, count: max(size, 1))
        let written = out.withUnsafeMutableBufferPointer { BN_bn2binpad(bn, $0.baseAddress, Int32($0.count)) }
        return written < 0 ? nil : out
    }

    /// RSA public members `n`, `e` (big-endian, minimal length).
    public func rsaPublicMembers() -> (n: [UInt8], e: [UInt8])? {
        guard kind == .rsa, let n = bigNumber("n"), let e = bigNumber("e") else { return nil }
        return (n, e)
    }

    /// RSA private members, when this key has them.
    public func rsaPrivateMembers() -> RSAPrivateMembers? {
        guard kind == .rsa, hasPrivateKey, let d = bigNumber("d") else { return nil }
        if let p = bigNumber("rsa-factor1"), let q = bigNumber("rsa-factor2"),
            let dp = bigNumber("rsa-exponent1"), let dq = bigNumber("rsa-exponent2"),
            let qi = bigNumber("rsa-coefficient1")
        {
            return RSAPrivateMembers(d: d, crt: (p, q, dp, dq, qi))
        }
        return RSAPrivateMembers(d: d, crt: nil)
    }

    /// EC coordinates and, for a private key, the scalar, each padded to the curve's size.
    public func ecMembers() -> (x: [UInt8], y: [UInt8], d: [UInt8]?)? {
        guard case .ec(let curve) = kind else { return nil }
        let size = curve.coordinateByteCount
        guard let x = bigNumber("qx", length: size), let y = bigNumber("qy", length: size) else { return nil }
        return (x, y, hasPrivateKey ? bigNumber("priv", length: size) : nil)
    }

    /// The raw Ed25519 public key.
    public func rawPublicKey() -> [UInt8]? {
        var length = 0
        guard EVP_PKEY_get_raw_public_key(pointer, nil, &length) == 1 else { return nil }
        var out = [UInt8](repeating: 0, count: length)
        guard out.withUnsafeMutableBufferPointer({ EVP_PKEY_get_raw_public_key(pointer, $0.baseAddress, &length) }) == 1 else { return nil }
        return out
    }

    /// The private key in DER (OpenSSL's `i2d_PrivateKey`: RSAPrivateKey, ECPrivateKey or
    /// PKCS #8 for Ed25519), for handing the same key to another implementation in tests
    /// and benchmarks. Secret: never print it. Nil for a public key.
    public func derPrivateKey() -> [UInt8]? {
        guard hasPrivateKey else { return nil }
        var out: UnsafeMutablePointer<UInt8>?
        let length = i2d_PrivateKey(pointer, &out)
        guard length > 0, let out else { return nil }
        defer { shim_OPENSSL_clear_free(out, Int(length)) }
        return Array(UnsafeBufferPointer(start: out, count: Int(length)))
    }

    /// The raw Ed25519 private key (seed), when present.
    public func rawPrivateKey() -> [UInt8]? {
        guard hasPrivateKey else { return nil }
        var length = 0
        guard EVP_PKEY_get_raw_private_key(pointer, nil, &length) == 1 else { return nil }
        var out = [UInt8](repeating: 0, count: length)
        guard out.withUnsafeMutableBufferPointer({ EVP_PKEY_get_raw_private_key(pointer, $0.baseAddress, &length) }) == 1 else { return nil }
        return out
    }
}
