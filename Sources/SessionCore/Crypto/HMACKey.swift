internal import COpenSSL

/// An HMAC secret ready to MAC with one hash: the single owner of a keyed `EVP_MAC_CTX`
/// template, freed in `deinit`.
///
/// Each MAC duplicates the template (`EVP_MAC_CTX_dup`) instead of fetching the algorithm
/// and re-keying, so the per-call cost is a copy. The template is never mutated after
/// `init`, so concurrent use from several threads is safe.
public final class HMACKey: @unchecked Sendable {
    private let template: OpaquePointer
    public let hash: HashFunction

    /// `secret` is never empty: keys shorter than the hash are refused before one is made.
    public init(secret: [UInt8], hash: HashFunction) throws(CryptoError) {
        precondition(!secret.isEmpty, "an HMAC key needs a secret")
        guard let ctx = EVP_MAC_CTX_new(FetchedMAC.shared.hmac) else { throw CryptoError.openSSL("EVP_MAC_CTX_new") }
        self.template = ctx
        self.hash = hash
        var digestKey = Array("digest".utf8CString)
        var digestName = Array(hash.openSSLName.utf8CString)
        let ok = digestKey.withUnsafeMutableBufferPointer { key in
            digestName.withUnsafeMutableBufferPointer { name in
                var params = [
                    OSSL_PARAM_construct_utf8_string(key.baseAddress, name.baseAddress, 0),
                    OSSL_PARAM_construct_end(),
                ]
                return EVP_MAC_init(ctx, secret, secret.count, &params)
            }
        }
        guard ok == 1 else { throw CryptoError.openSSL("EVP_MAC_init(HMAC-\(hash.openSSLName))") }
    }

    deinit { EVP_MAC_CTX_free(template) }

    /// The MAC of `bytes`.
    public func mac(_ bytes: [UInt8]) -> [UInt8] { bytes.withUnsafeBytes { mac($0) } }

    /// The MAC of `input`.
    public func mac(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        guard let ctx = EVP_MAC_CTX_dup(template) else { fatalError("EVP_MAC_CTX_dup failed: out of memory") }
        defer { EVP_MAC_CTX_free(ctx) }
        var out = [UInt8](repeating: 0, count: hash.byteCount)
        var length = 0
        let ok = out.withUnsafeMutableBufferPointer { output in
            EVP_MAC_update(ctx, input.baseAddress?.assumingMemoryBound(to: UInt8.self), input.count) == 1
                && EVP_MAC_final(ctx, output.baseAddress, &length, output.count) == 1
        }
        precondition(ok && length == hash.byteCount, "HMAC failed")
        return out
    }
}

/// The HMAC `EVP_MAC`, fetched once.
private final class FetchedMAC: @unchecked Sendable {
    // Immutable after init; EVP_MAC objects are safe to share between threads.
    static let shared = FetchedMAC()
    let hmac: OpaquePointer

    private init() {
        guard let mac = EVP_MAC_fetch(nil, "HMAC", nil) else { fatalError("OpenSSL has no HMAC") }
        hmac = mac
    }
}
