internal import COpenSSL

/// Signs or verifies with one asymmetric key and one JWS algorithm.
///
/// It is the single owner of two initialised `EVP_MD_CTX` templates (verify and, for a
/// private key, sign), set up once with the digest and padding. Each operation copies a
/// template (`EVP_MD_CTX_copy_ex`) rather than fetching and initialising again. Templates
/// are never mutated after `init`, so concurrent use is safe.
final class SignatureContext: @unchecked Sendable {
    let key: EVPKey
    let algorithm: JWSAlgorithm
    private let verifyTemplate: OpaquePointer
    private let signTemplate: OpaquePointer?

    init(key: EVPKey, algorithm: JWSAlgorithm) throws(CryptoError) {
        self.key = key
        self.algorithm = algorithm
        verifyTemplate = try Self.makeTemplate(key: key, algorithm: algorithm, signing: false)
        do {
            signTemplate = key.hasPrivateKey ? try Self.makeTemplate(key: key, algorithm: algorithm, signing: true) : nil
        } catch {
            EVP_MD_CTX_free(verifyTemplate)
            throw error
        }
    }

    deinit {
        EVP_MD_CTX_free(verifyTemplate)
        if let signTemplate { EVP_MD_CTX_free(signTemplate) }
    }

    private static func makeTemplate(key: EVPKey, algorithm: JWSAlgorithm, signing: Bool) throws(CryptoError) -> OpaquePointer {
        guard let ctx = EVP_MD_CTX_new() else { throw CryptoError.openSSL("EVP_MD_CTX_new") }
        var pkeyContext: OpaquePointer?
        let md = algorithm.hash?.md
        let initialised =
            signing
            ? EVP_DigestSignInit(ctx, &pkeyContext, md, nil, key.pointer)
            : EVP_DigestVerifyInit(ctx, &pkeyContext, md, nil, key.pointer)
        guard initialised == 1, let pkeyContext else {
            EVP_MD_CTX_free(ctx)
            throw CryptoError.openSSL("\(signing ? "EVP_DigestSignInit" : "EVP_DigestVerifyInit")(\(algorithm.rawValue))")
        }
        var ok = true
        switch algorithm.family {
        case .rsaPKCS1:
            ok = EVP_PKEY_CTX_set_rsa_padding(pkeyContext, shim_RSA_PKCS1_PADDING()) == 1
        case .rsaPSS:
            // RFC 7518 §3.5: MGF1 with the same hash, salt as long as the hash.
            ok =
                EVP_PKEY_CTX_set_rsa_padding(pkeyContext, shim_RSA_PKCS1_PSS_PADDING()) == 1
                && EVP_PKEY_CTX_set_rsa_mgf1_md(pkeyContext, md) == 1
                && EVP_PKEY_CTX_set_rsa_pss_saltlen(pkeyContext, shim_RSA_PSS_SALTLEN_DIGEST()) == 1
        case .hmac, .ecdsa, .eddsa:
            break
        }
        guard ok else {
            EVP_MD_CTX_free(ctx)
            throw CryptoError.openSSL("configuring \(algorithm.rawValue)")
        }
        return ctx
    }

    private func copy(_ template: OpaquePointer) -> OpaquePointer {
        guard let ctx = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed: out of memory") }
        guard EVP_MD_CTX_copy_ex(ctx, template) == 1 else { fatalError("EVP_MD_CTX_copy_ex failed") }
        return ctx
    }

    /// True when `signature` (in OpenSSL's form: DER for ECDSA) is valid for `input`.
    /// Never throws: any failure is "not valid", and OpenSSL's error queue is cleared.
    func verify(signature: UnsafeRawBufferPointer, input: UnsafeRawBufferPointer) -> Bool {
        let ctx = copy(verifyTemplate)
        defer { EVP_MD_CTX_free(ctx) }
        let result = EVP_DigestVerify(
            ctx,
            signature.baseAddress?.assumingMemoryBound(to: UInt8.self), signature.count,
            input.baseAddress?.assumingMemoryBound(to: UInt8.self), input.count)
        if result != 1 { CryptoError.clearQueue() }
        return result == 1
    }

    /// The signature of `input` in OpenSSL's form (DER for ECDSA).
    func sign(input: UnsafeRawBufferPointer) throws(CryptoError) -> [UInt8] {
        guard let signTemplate else { throw CryptoError("this key has no private half") }
        let ctx = copy(signTemplate)
        defer { EVP_MD_CTX_free(ctx) }
        let data = input.baseAddress?.assumingMemoryBound(to: UInt8.self)
        var length = 0
        guard EVP_DigestSign(ctx, nil, &length, data, input.count) == 1 else { throw CryptoError.openSSL("EVP_DigestSign") }
        var out = [UInt8](repeating: 0, count: length)
        let ok = out.withUnsafeMutableBufferPointer { EVP_DigestSign(ctx, $0.baseAddress, &length, data, input.count) }
        guard ok == 1 else { throw CryptoError.openSSL("EVP_DigestSign") }
        out.removeLast(out.count - length)
        return out
    }
}
