internal import COpenSSL

/// Owns an `OSSL_PARAM_BLD` and every buffer pushed into it.
///
/// OpenSSL keeps the pointers given to `OSSL_PARAM_BLD_push_*` until `to_param` runs, so
/// this class copies each string, octet string and BIGNUM into memory it owns and frees
/// them (private material zeroed first) only in `deinit`.
final class ParamBuilder {
    private let builder: OpaquePointer
    private var buffers: [(UnsafeMutableRawPointer, Int)] = []
    private var bignums: [OpaquePointer] = []

    init() throws(CryptoError) {
        guard let builder = OSSL_PARAM_BLD_new() else { throw CryptoError.openSSL("OSSL_PARAM_BLD_new") }
        self.builder = builder
    }

    deinit {
        for (pointer, count) in buffers {
            OPENSSL_cleanse(pointer, count)
            pointer.deallocate()
        }
        for bn in bignums { BN_clear_free(bn) }
        OSSL_PARAM_BLD_free(builder)
    }

    private func own(_ bytes: [UInt8], terminated: Bool) -> UnsafeMutableRawPointer {
        let count = bytes.count + (terminated ? 1 : 0)
        let pointer = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 16)
        pointer.initializeMemory(as: UInt8.self, repeating: 0, count: max(count, 1))
        bytes.withUnsafeBytes { pointer.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
        buffers.append((pointer, max(count, 1)))
        return pointer
    }

    private func ownedName(_ name: String) -> UnsafeMutablePointer<CChar> {
        own(Array(name.utf8), terminated: true).assumingMemoryBound(to: CChar.self)
    }

    /// Pushes a UTF-8 string parameter.
    func push(_ name: String, utf8 value: String) throws(CryptoError) {
        let key = ownedName(name)
        let buffer = own(Array(value.utf8), terminated: true).assumingMemoryBound(to: CChar.self)
        guard OSSL_PARAM_BLD_push_utf8_string(builder, key, buffer, 0) == 1 else {
            throw CryptoError.openSSL("OSSL_PARAM_BLD_push_utf8_string(\(name))")
        }
    }

    /// Pushes an octet-string parameter.
    func push(_ name: String, octets value: [UInt8]) throws(CryptoError) {
        let key = ownedName(name)
        let buffer = own(value, terminated: false)
        guard OSSL_PARAM_BLD_push_octet_string(builder, key, buffer, value.count) == 1 else {
            throw CryptoError.openSSL("OSSL_PARAM_BLD_push_octet_string(\(name))")
        }
    }

    /// Pushes an unsigned big-endian integer as a BIGNUM parameter.
    func push(_ name: String, bigEndian value: [UInt8]) throws(CryptoError) {
        let key = ownedName(name)
        let bn = value.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress, Int32($0.count), nil) }
        guard let bn else { throw CryptoError.openSSL("BN_bin2bn(\(name))") }
        bignums.append(bn)
        guard OSSL_PARAM_BLD_push_BN(builder, key, bn) == 1 else {
            throw CryptoError.openSSL("OSSL_PARAM_BLD_push_BN(\(name))")
        }
    }

    /// Builds a key of OpenSSL type `keyType` from the pushed parameters.
    func makeKey(keyType: String, selection: Int32) throws(CryptoError) -> OpaquePointer {
        guard let params = OSSL_PARAM_BLD_to_param(builder) else { throw CryptoError.openSSL("OSSL_PARAM_BLD_to_param") }
        defer { OSSL_PARAM_free(params) }
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, keyType, nil) else {
            throw CryptoError.openSSL("EVP_PKEY_CTX_new_from_name(\(keyType))")
        }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_fromdata_init(ctx) == 1 else { throw CryptoError.openSSL("EVP_PKEY_fromdata_init") }
        var key: OpaquePointer?
        guard EVP_PKEY_fromdata(ctx, &key, selection, params) == 1, let key else {
            throw CryptoError.openSSL("invalid \(keyType) key parameters")
        }
        return key
    }
}
