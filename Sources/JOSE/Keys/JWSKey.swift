/// A signing or verification key, bound to its algorithm.
///
/// A key made by this product, or imported from a JWK that names its `alg`, is bound to
/// exactly that algorithm. A JWK without `alg` is bound by its curve (EC, OKP); an `RSA`
/// or `oct` JWK without `alg` fits any algorithm of its family (RS*/PS* or HS*), which
/// `--algorithms` can narrow. A token whose `alg` the key does not fit is refused.
///
/// Instances are immutable and safe to share between threads.
public final class JWSKey: Sendable {
    /// The key material.
    public enum Material: Sendable {
        case symmetric([UInt8])
        case asymmetric(EVPKey)
    }

    /// The key id: the JWK's `kid`, or else its RFC 7638 thumbprint.
    public let kid: String
    /// `kid` as UTF-8, for comparing with a token's header without building a String.
    let kidBytes: [UInt8]
    /// The algorithm the key is bound to, when one is.
    public let algorithm: JWSAlgorithm?
    /// The `alg` spelling the key was given (`Ed25519` or `EdDSA`), used in headers.
    public let algorithmName: String?
    /// The secret or OpenSSL key.
    public let material: Material
    private let hmacKeys: [HMACKey]
    private let contexts: [SignatureContext]
    /// k, the RSA modulus' length in bytes, which every RSA signature has exactly; 0 otherwise.
    private let rsaModulusBytes: Int

    /// A key from its material. Throws `JOSEInputError` when `algorithm` does not fit the
    /// material (an HMAC alg on an RSA key, ES384 on a P-256 key).
    public init(material: Material, algorithm: JWSAlgorithm?, algorithmName: String? = nil, kid: String? = nil) throws(JOSEInputError) {
        let bound: JWSAlgorithm?
        switch material {
        case .symmetric:
            bound = algorithm
        case .asymmetric(let key):
            switch key.kind {
            case .rsa: bound = algorithm
            case .ec(let curve): bound = algorithm ?? JWSAlgorithm.allCases.first { $0.family == .ecdsa(curve) }
            case .ed25519: bound = algorithm ?? .edDSA
            }
        }
        if let bound, !Self.materialFits(material, bound) {
            throw JOSEInputError("a \(Self.describe(material)) key cannot be used with \(bound.rawValue)")
        }
        self.algorithm = bound
        self.algorithmName = algorithmName ?? bound?.rawValue
        self.material = material
        self.kid = kid ?? JWKThumbprint.thumbprint(of: material)
        self.kidBytes = Array(self.kid.utf8)
        if case .asymmetric(let key) = material, key.kind == .rsa {
            rsaModulusBytes = (key.bits + 7) / 8
        } else {
            rsaModulusBytes = 0
        }
        let candidates = bound.map { [$0] } ?? JWSAlgorithm.allCases.filter { Self.materialFits(material, $0) }
        do {
            switch material {
            case .symmetric(let secret):
                hmacKeys = try candidates.compactMap { algorithm throws(CryptoError) -> HMACKey? in
                    guard let hash = algorithm.hash, secret.count >= hash.byteCount else { return nil }
                    return try HMACKey(secret: secret, hash: hash)
                }
                contexts = []
            case .asymmetric(let key):
                hmacKeys = []
                contexts = try candidates.map { algorithm throws(CryptoError) in try SignatureContext(key: key, algorithm: algorithm) }
            }
        } catch {
            throw JOSEInputError("cannot use key: \(error)")
        }
    }

    private static func materialFits(_ material: Material, _ algorithm: JWSAlgorithm) -> Bool {
        switch (material, algorithm.family) {
        case (.symmetric, .hmac): return true
        case (.asymmetric(let key), .rsaPKCS1), (.asymmetric(let key), .rsaPSS): return key.kind == .rsa
        case (.asymmetric(let key), .ecdsa(let curve)): return key.kind == .ec(curve)
        case (.asymmetric(let key), .eddsa): return key.kind == .ed25519
        default: return false
        }
    }

    private static func describe(_ material: Material) -> String {
        switch material {
        case .symmetric: "symmetric (oct)"
        case .asymmetric(let key):
            switch key.kind {
            case .rsa: "RSA"
            case .ec(let curve): "EC \(curve.rawValue)"
            case .ed25519: "Ed25519"
            }
        }
    }

    /// The JWK `kty`.
    public var keyType: String {
        switch material {
        case .symmetric: "oct"
        case .asymmetric(let key):
            switch key.kind {
            case .rsa: "RSA"
            case .ec: "EC"
            case .ed25519: "OKP"
            }
        }
    }

    /// A short description of the key: type, size or curve.
    public var summary: String {
        switch material {
        case .symmetric(let secret): "oct \(secret.count * 8)-bit"
        case .asymmetric(let key):
            switch key.kind {
            case .rsa: "RSA \(key.bits)-bit"
            case .ec(let curve): "EC \(curve.rawValue)"
            case .ed25519: "OKP Ed25519"
            }
        }
    }

    /// True when the key can sign (a private key or an HMAC secret).
    public var canSign: Bool {
        switch material {
        case .symmetric: true
        case .asymmetric(let key): key.hasPrivateKey
        }
    }

    /// True for HMAC secrets, which never appear in a JWKS.
    public var isSymmetric: Bool {
        if case .symmetric = material { return true }
        return false
    }

    /// True when the key may be used with `algorithm`: same family and curve, and the
    /// key's own algorithm, if bound, is the same.
    public func fits(_ algorithm: JWSAlgorithm) -> Bool {
        if let bound = self.algorithm, bound != algorithm { return false }
        return Self.materialFits(material, algorithm)
    }

    /// True when the key is too weak for `algorithm` (RFC 7518 §3.2, RFC 8725 §3.5): an
    /// HMAC secret shorter than the hash, or an RSA modulus under 2048 bits.
    public func isWeak(for algorithm: JWSAlgorithm) -> Bool {
        switch material {
        case .symmetric(let secret):
            return secret.count < (algorithm.hash?.byteCount ?? 0) || secret.isEmpty
        case .asymmetric(let key):
            return key.kind == .rsa && key.bits < 2048
        }
    }

    /// True when `signature` is a valid JWS signature by this key over `input`.
    /// The caller has checked `fits` and `isWeak`; a key that does not fit never verifies.
    /// A signature whose bytes do not have the algorithm's exact encoding
    /// (`SignatureEncoding`) is refused before OpenSSL sees it.
    public func verify(_ algorithm: JWSAlgorithm, signature: UnsafeRawBufferPointer, input: UnsafeRawBufferPointer) -> Bool {
        if SignatureEncoding.defect(signature, algorithm: algorithm, rsaModulusBytes: rsaModulusBytes) != nil { return false }
        switch material {
        case .symmetric:
            guard let hash = algorithm.hash, let hmac = hmacKeys.first(where: { $0.hash == hash }) else { return false }
            return hmac.verify(signature, input: input)
        case .asymmetric:
            guard let context = contexts.first(where: { $0.algorithm == algorithm }) else { return false }
            if case .ecdsa(let curve) = algorithm.family {
                guard let der = ECDSASignature.der(fromRaw: signature, curve: curve) else { return false }
                return der.withUnsafeBytes { context.verify(signature: $0, input: input) }
            }
            return context.verify(signature: signature, input: input)
        }
    }

    /// The JWS signature by this key over `input`. Throws when the key cannot sign with
    /// `algorithm` (no private half, does not fit, too weak).
    public func sign(_ algorithm: JWSAlgorithm, input: UnsafeRawBufferPointer) throws(CryptoError) -> [UInt8] {
        guard fits(algorithm) else { throw CryptoError("key does not fit \(algorithm.rawValue)") }
        guard !isWeak(for: algorithm) else { throw CryptoError("key is too weak for \(algorithm.rawValue)") }
        switch material {
        case .symmetric:
            guard let hash = algorithm.hash, let hmac = hmacKeys.first(where: { $0.hash == hash }) else {
                throw CryptoError("no HMAC context for \(algorithm.rawValue)")
            }
            return hmac.mac(input)
        case .asymmetric:
            guard let context = contexts.first(where: { $0.algorithm == algorithm }) else {
                throw CryptoError("no signing context for \(algorithm.rawValue)")
            }
            let signature = try context.sign(input: input)
            if case .ecdsa(let curve) = algorithm.family {
                return try ECDSASignature.raw(fromDER: signature, curve: curve)
            }
            return signature
        }
    }
}
