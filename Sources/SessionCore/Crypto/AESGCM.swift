internal import COpenSSL
import JOSE

/// AES-256-GCM sealing for secrets at rest (private signing keys), over OpenSSL's EVP.
///
/// A sealed box is `0x01 ‖ nonce(12) ‖ ciphertext ‖ tag(16)`. The nonce comes from
/// OpenSSL's CSPRNG; `associatedData` (e.g. the key id) is authenticated, so a box moved
/// to another row does not open.
public enum AESGCM {
    private static let version: UInt8 = 1
    private static let nonceCount = 12
    private static let tagCount = 16

    /// Seals `plaintext` under a 32-byte key.
    public static func seal(_ plaintext: [UInt8], key: [UInt8], associatedData: [UInt8] = []) throws(CryptoError) -> [UInt8] {
        guard key.count == 32 else { throw CryptoError("AES-256-GCM needs a 32-byte key") }
        let nonce = SecureRandom.bytes(nonceCount)
        guard let ctx = EVP_CIPHER_CTX_new() else { throw CryptoError.openSSL("EVP_CIPHER_CTX_new") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        var out = [UInt8](repeating: 0, count: plaintext.count + 16)
        var tag = [UInt8](repeating: 0, count: tagCount)
        var length: Int32 = 0
        var total: Int32 = 0
        guard EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nil, key, nonce) == 1 else { throw CryptoError.openSSL("EVP_EncryptInit_ex") }
        if !associatedData.isEmpty {
            guard EVP_EncryptUpdate(ctx, nil, &length, associatedData, Int32(associatedData.count)) == 1 else { throw CryptoError.openSSL("GCM AAD") }
        }
        let ok = out.withUnsafeMutableBufferPointer { buffer -> Bool in
            if !plaintext.isEmpty {
                guard EVP_EncryptUpdate(ctx, buffer.baseAddress, &length, plaintext, Int32(plaintext.count)) == 1 else { return false }
                total = length
            }
            guard EVP_EncryptFinal_ex(ctx, buffer.baseAddress! + Int(total), &length) == 1 else { return false }
            total += length
            return true
        }
        guard ok else { throw CryptoError.openSSL("EVP_EncryptUpdate") }
        guard EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, Int32(tagCount), &tag) == 1 else { throw CryptoError.openSSL("GCM tag") }
        return [version] + nonce + out[0..<Int(total)] + tag
    }

    /// Opens a box made by `seal`. Throws when the key, the associated data or any byte of
    /// the box is wrong; never returns unauthenticated plaintext.
    public static func open(_ box: [UInt8], key: [UInt8], associatedData: [UInt8] = []) throws(CryptoError) -> [UInt8] {
        guard key.count == 32 else { throw CryptoError("AES-256-GCM needs a 32-byte key") }
        guard box.count >= 1 + nonceCount + tagCount, box[0] == version else { throw CryptoError("sealed data is truncated or of an unknown version") }
        let nonce = Array(box[1...nonceCount])
        let ciphertext = Array(box[(1 + nonceCount)..<(box.count - tagCount)])
        var tag = Array(box[(box.count - tagCount)...])
        guard let ctx = EVP_CIPHER_CTX_new() else { throw CryptoError.openSSL("EVP_CIPHER_CTX_new") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        var out = [UInt8](repeating: 0, count: ciphertext.count + 16)
        var length: Int32 = 0
        var total: Int32 = 0
        guard EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), nil, key, nonce) == 1 else { throw CryptoError.openSSL("EVP_DecryptInit_ex") }
        if !associatedData.isEmpty {
            guard EVP_DecryptUpdate(ctx, nil, &length, associatedData, Int32(associatedData.count)) == 1 else { throw CryptoError.openSSL("GCM AAD") }
        }
        let ok = out.withUnsafeMutableBufferPointer { buffer -> Bool in
            if !ciphertext.isEmpty {
                guard EVP_DecryptUpdate(ctx, buffer.baseAddress, &length, ciphertext, Int32(ciphertext.count)) == 1 else { return false }
                total = length
            }
            guard EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, Int32(tagCount), &tag) == 1 else { return false }
            guard EVP_DecryptFinal_ex(ctx, buffer.baseAddress! + Int(total), &length) == 1 else { return false }
            total += length
            return true
        }
        guard ok else {
            CryptoError.clearQueue()
            out.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) }
            throw CryptoError("sealed data does not open with this key (wrong key-encryption key, or tampered)")
        }
        return Array(out[0..<Int(total)])
    }
}
