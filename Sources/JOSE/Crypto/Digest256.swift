internal import COpenSSL
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A SHA-256 value as four words: cheap to store, compare and use as a dictionary key.
///
/// `Digest256.of` reuses one `EVP_MD_CTX` per thread (reset with `EVP_DigestInit_ex2`), so a
/// digest costs the hash itself, not a context allocation: it sits on the verifier's cache path.
public struct Digest256: Hashable, Sendable {
    public let a: UInt64, b: UInt64, c: UInt64, d: UInt64

    /// The SHA-256 of `input`.
    public static func of(_ input: UnsafeRawBufferPointer) -> Digest256 {
        let context = DigestContext.current
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 4) { words in
            var length: UInt32 = 0
            let ok =
                EVP_DigestInit_ex2(context.pointer, HashFunction.sha256.md, nil) == 1
                && EVP_DigestUpdate(context.pointer, input.baseAddress, input.count) == 1
                && EVP_DigestFinal_ex(context.pointer, UnsafeMutableRawPointer(words.baseAddress!).assumingMemoryBound(to: UInt8.self), &length) == 1
            precondition(ok && length == 32, "SHA-256 failed")
            return Digest256(
                a: UInt64(bigEndian: words[0]), b: UInt64(bigEndian: words[1]),
                c: UInt64(bigEndian: words[2]), d: UInt64(bigEndian: words[3]))
        }
    }

    /// The SHA-256 of a string's UTF-8 bytes.
    public static func of(_ text: String) -> Digest256 {
        var text = text
        return text.withUTF8 { of(UnsafeRawBufferPointer($0)) }
    }

    private init(a: UInt64, b: UInt64, c: UInt64, d: UInt64) {
        self.a = a
        self.b = b
        self.c = c
        self.d = d
    }

    /// One word is enough: the digest is already uniform.
    public func hash(into hasher: inout Hasher) { hasher.combine(a) }
}

/// The one owner of a thread's `EVP_MD_CTX`, freed in `deinit` when the thread ends.
private final class DigestContext {
    let pointer: OpaquePointer

    private init() {
        guard let context = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed: out of memory") }
        pointer = context
    }

    deinit { EVP_MD_CTX_free(pointer) }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        let created = pthread_key_create(&key) { raw in
            if let raw { Unmanaged<DigestContext>.fromOpaque(raw).release() }
        }
        precondition(created == 0, "pthread_key_create failed")
        return key
    }()

    /// This thread's context, made on first use.
    static var current: DigestContext {
        if let raw = pthread_getspecific(key) { return Unmanaged<DigestContext>.fromOpaque(raw).takeUnretainedValue() }
        let context = DigestContext()
        pthread_setspecific(key, Unmanaged.passRetained(context).toOpaque())
        return context
    }
}
