import CBenchOpenSSL

/// The bare primitive, as `openssl speed` measures it: no per-operation setup at all. The
/// digest is computed with one reused `EVP_MD_CTX`, then the private- or public-key operation
/// runs on an `EVP_PKEY_CTX` initialised once (`EVP_PKEY_sign`/`EVP_PKEY_verify`); Ed25519,
/// which hashes inside, signs and verifies on one `EVP_MD_CTX` initialised once; HMAC
/// re-initialises one keyed context. The limit no JWT library can pass on this machine.
final class BarePrimitive: @unchecked Sendable {
    enum Kind { case hmac, rsa, ecdsa, eddsa }
    let kind: Kind
    private var mac: OpaquePointer?
    private var pkey: OpaquePointer?
    private var digest: OpaquePointer?
    private var md: OpaquePointer?
    private var signContext: OpaquePointer?
    private var verifyContext: OpaquePointer?
    private var edSign: OpaquePointer?
    private var edVerify: OpaquePointer?
    private var hash = [UInt8](repeating: 0, count: 32)

    init(hmacSecret secret: [UInt8]) {
        kind = .hmac
        mac = EVP_MAC_CTX_new(EVP_MAC_fetch(nil, "HMAC", nil))
        var key = Array("digest".utf8CString)
        var value = Array("SHA256".utf8CString)
        key.withUnsafeMutableBufferPointer { k in
            value.withUnsafeMutableBufferPointer { v in
                var params = [OSSL_PARAM_construct_utf8_string(k.baseAddress, v.baseAddress, 0), OSSL_PARAM_construct_end()]
                _ = EVP_MAC_init(mac, secret, secret.count, &params)
            }
        }
    }

    /// An asymmetric key from `i2d_PrivateKey` DER.
    init(kind: Kind, der: [UInt8]) {
        self.kind = kind
        pkey = der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var pointer = buffer.baseAddress
            return d2i_AutoPrivateKey(nil, &pointer, buffer.count)
        }
        precondition(pkey != nil, "d2i_AutoPrivateKey")
        if kind == .eddsa {
            edSign = EVP_MD_CTX_new()
            edVerify = EVP_MD_CTX_new()
            precondition(EVP_DigestSignInit(edSign, nil, nil, nil, pkey) == 1 && EVP_DigestVerifyInit(edVerify, nil, nil, nil, pkey) == 1)
            return
        }
        md = EVP_MD_fetch(nil, "SHA256", nil)
        digest = EVP_MD_CTX_new()
        signContext = EVP_PKEY_CTX_new_from_pkey(nil, pkey, nil)
        verifyContext = EVP_PKEY_CTX_new_from_pkey(nil, pkey, nil)
        precondition(EVP_PKEY_sign_init(signContext) == 1 && EVP_PKEY_verify_init(verifyContext) == 1)
        for context in [signContext, verifyContext] {
            EVP_PKEY_CTX_set_signature_md(context, md)
            if kind == .rsa { EVP_PKEY_CTX_set_rsa_padding(context, bench_RSA_PKCS1_PADDING()) }
        }
    }

    private func hashInput(_ input: [UInt8]) {
        var length: UInt32 = 0
        EVP_DigestInit_ex(digest, md, nil)
        EVP_DigestUpdate(digest, input, input.count)
        EVP_DigestFinal_ex(digest, &hash, &length)
    }

    /// One MAC or signature (DER for ECDSA) over `input`.
    func sign(_ input: [UInt8]) -> [UInt8] {
        switch kind {
        case .hmac:
            EVP_MAC_init(mac, nil, 0, nil)
            var out = [UInt8](repeating: 0, count: 32)
            var length = 0
            EVP_MAC_update(mac, input, input.count)
            EVP_MAC_final(mac, &out, &length, 32)
            return out
        case .eddsa:
            var out = [UInt8](repeating: 0, count: 64)
            var length = 64
            precondition(EVP_DigestSign(edSign, &out, &length, input, input.count) == 1)
            return out
        case .rsa, .ecdsa:
            hashInput(input)
            var length = 0
            EVP_PKEY_sign(signContext, nil, &length, hash, 32)
            var out = [UInt8](repeating: 0, count: length)
            precondition(EVP_PKEY_sign(signContext, &out, &length, hash, 32) == 1)
            return Array(out.prefix(length))
        }
    }

    /// Checks a MAC or a signature (DER for ECDSA) over `input`.
    func verify(_ input: [UInt8], signature: [UInt8]) -> Bool {
        switch kind {
        case .hmac:
            return CRYPTO_memcmp(sign(input), signature, 32) == 0
        case .eddsa:
            return EVP_DigestVerify(edVerify, signature, signature.count, input, input.count) == 1
        case .rsa, .ecdsa:
            hashInput(input)
            return EVP_PKEY_verify(verifyContext, signature, signature.count, hash, 32) == 1
        }
    }
}
