internal import COpenSSL
import Synchronization

/// An HMAC secret ready to MAC with one hash: the single owner of a keyed `EVP_MAC_CTX`
/// template and of a small pool of working contexts, all freed in `deinit`.
///
/// A MAC takes a pooled context and re-initialises it with the same key (`EVP_MAC_init`
/// without a key: no key schedule, no allocation of a whole context), so the per-call cost
/// is close to the hash itself. The pool is guarded by a mutex; the template is never used
/// directly after `init`, only copied, so concurrent use from several threads is safe.
public final class HMACKey: @unchecked Sendable {
    private let template: OpaquePointer
    private let pool = Mutex<[PooledContext]>([])
    private static let poolLimit = 8
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

    deinit {
        pool.withLock { contexts in contexts.forEach { EVP_MAC_CTX_free($0.pointer) } }
        EVP_MAC_CTX_free(template)
    }

    /// The MAC of `bytes`.
    public func mac(_ bytes: [UInt8]) -> [UInt8] { bytes.withUnsafeBytes { mac($0) } }

    /// The MAC of `input`.
    public func mac(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: hash.byteCount) { output, initialized in
            mac(input, into: UnsafeMutableRawBufferPointer(output))
            initialized = hash.byteCount
        }
    }

    /// True when `tag` is the MAC of `input`, compared in constant time.
    public func verify(_ tag: UnsafeRawBufferPointer, input: UnsafeRawBufferPointer) -> Bool {
        guard tag.count == hash.byteCount else { return false }
        return withUnsafeTemporaryAllocation(byteCount: hash.byteCount, alignment: 8) { expected in
            mac(input, into: expected)
            return ConstantTime.equals(UnsafeRawBufferPointer(expected), tag)
        }
    }

    /// Writes the MAC of `input` into `output`, which holds `hash.byteCount` bytes.
    private func mac(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) {
        let ctx = pool.withLock { $0.popLast()?.pointer } ?? EVP_MAC_CTX_dup(template)
        guard let ctx else { fatalError("EVP_MAC_CTX_dup failed: out of memory") }
        var length = 0
        let ok =
            EVP_MAC_init(ctx, nil, 0, nil) == 1
            && EVP_MAC_update(ctx, input.baseAddress?.assumingMemoryBound(to: UInt8.self), input.count) == 1
            && EVP_MAC_final(ctx, output.baseAddress?.assumingMemoryBound(to: UInt8.self), &length, output.count) == 1
        precondition(ok && length == hash.byteCount, "HMAC failed")
        let kept = pool.withLock { contexts in
            guard contexts.count < Self.poolLimit else { return false }
            contexts.append(PooledContext(pointer: ctx))
            return true
        }
        if !kept { EVP_MAC_CTX_free(ctx) }
    }
}

/// A working context in the pool: used by one thread at a time, which the pool's mutex ensures.
private struct PooledContext: @unchecked Sendable {
    let pointer: OpaquePointer
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
