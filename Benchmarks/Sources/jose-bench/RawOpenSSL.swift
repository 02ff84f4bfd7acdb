import CBenchOpenSSL

/// The limit: OpenSSL itself on the same signing input, with every algorithm object
/// fetched and every context initialised once, and nothing else (no JOSE, no JSON).
final class RawOpenSSL: @unchecked Sendable {
    enum Kind { case hmac, rsa, pss, ecdsa, eddsa }
    let kind: Kind
    private var macTemplate: OpaquePointer?
    private var signTemplate: OpaquePointer?
    private var verifyTemplate: OpaquePointer?
    private var pkey: OpaquePointer?

    /// HMAC-SHA-256 with `secret`.
    init(hmacSecret secret: [UInt8]) {
        kind = .hmac
        let mac = EVP_MAC_fetch(nil, "HMAC", nil)
        macTemplate = EVP_MAC_CTX_new(mac)
        var key = Array("digest".utf8CString)
        var value = Array("SHA256".utf8CString)
        key.withUnsafeMutableBufferPointer { k in
            value.withUnsafeMutableBufferPointer { v in
                var params = [OSSL_PARAM_construct_utf8_string(k.baseAddress, v.baseAddress, 0), OSSL_PARAM_construct_end()]
                _ = EVP_MAC_init(macTemplate, secret, secret.count, &params)
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
        let md: OpaquePointer? = kind == .eddsa ? nil : EVP_MD_fetch(nil, "SHA256", nil)
        for signing in [true, false] {
            let ctx = EVP_MD_CTX_new()
            var pctx: OpaquePointer?
            let ok = signing ? EVP_DigestSignInit(ctx, &pctx, md, nil, pkey) : EVP_DigestVerifyInit(ctx, &pctx, md, nil, pkey)
            precondition(ok == 1)
            if kind == .rsa { EVP_PKEY_CTX_set_rsa_padding(pctx, bench_RSA_PKCS1_PADDING()) }
            if kind == .pss {
                EVP_PKEY_CTX_set_rsa_padding(pctx, bench_RSA_PKCS1_PSS_PADDING())
                EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md)
                EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, bench_RSA_PSS_SALTLEN_DIGEST())
            }
            if signing { signTemplate = ctx } else { verifyTemplate = ctx }
        }
    }

    /// One MAC or signature (DER for ECDSA) over `input`.
    func sign(_ input: [UInt8]) -> [UInt8] {
        if kind == .hmac {
            // The cheapest HMAC OpenSSL 3 offers: one keyed context, re-initialised with the
            // same key (a NULL key) for each MAC. One thread only, as the benchmark uses it.
            EVP_MAC_init(macTemplate, nil, 0, nil)
            var out = [UInt8](repeating: 0, count: 32)
            var length = 0
            EVP_MAC_update(macTemplate, input, input.count)
            EVP_MAC_final(macTemplate, &out, &length, 32)
            return out
        }
        let ctx = EVP_MD_CTX_new()
        defer { EVP_MD_CTX_free(ctx) }
        EVP_MD_CTX_copy_ex(ctx, signTemplate)
        var length = 0
        EVP_DigestSign(ctx, nil, &length, input, input.count)
        var out = [UInt8](repeating: 0, count: length)
        EVP_DigestSign(ctx, &out, &length, input, input.count)
        return Array(out.prefix(length))
    }

    /// Checks a MAC (recomputed and compared) or a signature (DER for ECDSA).
    func verify(_ input: [UInt8], signature: [UInt8]) -> Bool {
        if kind == .hmac {
            let mac = sign(input)
            return CRYPTO_memcmp(mac, signature, 32) == 0
        }
        let ctx = EVP_MD_CTX_new()
        defer { EVP_MD_CTX_free(ctx) }
        EVP_MD_CTX_copy_ex(ctx, verifyTemplate)
        return EVP_DigestVerify(ctx, signature, signature.count, input, input.count) == 1
    }
}
