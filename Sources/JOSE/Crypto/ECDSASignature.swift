internal import COpenSSL

/// Converts ECDSA signatures between JOSE's fixed-length R‖S (RFC 7518 §3.4) and the DER
/// `ECDSA-Sig-Value` OpenSSL produces and expects.
enum ECDSASignature {
    /// R‖S, each left-padded to the curve's size, from a DER signature.
    ///
    /// The DER comes from OpenSSL's own signer, so the usual shape — a SEQUENCE of two
    /// minimal positive INTEGERs — is read directly; anything else goes through OpenSSL's
    /// parser (`openSSLRaw`), which the tests hold this reader to.
    static func raw(fromDER der: [UInt8], curve: ECCurve) throws(CryptoError) -> [UInt8] {
        if let raw = directRaw(fromDER: der, size: curve.coordinateByteCount) { return raw }
        return try openSSLRaw(fromDER: der, curve: curve)
    }

    /// The strict direct reading of `raw(fromDER:curve:)`, or nil for anything unusual.
    static func directRaw(fromDER der: [UInt8], size: Int) -> [UInt8]? {
        var index = 0
        func byte() -> Int? {
            guard index < der.count else { return nil }
            defer { index += 1 }
            return Int(der[index])
        }
        /// A DER length: short form, or 0x81 followed by one byte of 128 or more.
        func length() -> Int? {
            guard let first = byte() else { return nil }
            if first < 0x80 { return first }
            guard first == 0x81, let long = byte(), long >= 0x80 else { return nil }
            return long
        }
        guard byte() == 0x30, let total = length(), index + total == der.count else { return nil }
        var out = [UInt8](repeating: 0, count: size * 2)
        for part in 0..<2 {
            guard byte() == 0x02, let count = length(), count > 0, index + count <= der.count else { return nil }
            var start = index
            var digits = count
            // Minimal encoding: one leading zero only to keep a high bit positive; never negative.
            if der[start] & 0x80 != 0 { return nil }
            if der[start] == 0 {
                guard digits > 1, der[start + 1] & 0x80 != 0 else { return nil }
                start += 1
                digits -= 1
            }
            guard digits <= size else { return nil }
            for offset in 0..<digits { out[part * size + size - digits + offset] = der[start + offset] }
            index += count
        }
        return index == der.count ? out : nil
    }

    /// `raw(fromDER:curve:)` through OpenSSL's DER parser.
    static func openSSLRaw(fromDER der: [UInt8], curve: ECCurve) throws(CryptoError) -> [UInt8] {
        let sig = der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var pointer = buffer.baseAddress
            return d2i_ECDSA_SIG(nil, &pointer, buffer.count)
        }
        guard let sig else { throw CryptoError.openSSL("d2i_ECDSA_SIG") }
        defer { ECDSA_SIG_free(sig) }
        let size = curve.coordinateByteCount
        var out = [UInt8](repeating: 0, count: size * 2)
        let ok = out.withUnsafeMutableBufferPointer { buffer in
            BN_bn2binpad(ECDSA_SIG_get0_r(sig), buffer.baseAddress, Int32(size)) == size
                && BN_bn2binpad(ECDSA_SIG_get0_s(sig), buffer.baseAddress! + size, Int32(size)) == size
        }
        guard ok else { throw CryptoError.openSSL("BN_bn2binpad") }
        return out
    }

    /// DER from R‖S; nil when `raw` is not exactly twice the curve's size.
    static func der(fromRaw raw: UnsafeRawBufferPointer, curve: ECCurve) -> [UInt8]? {
        let size = curve.coordinateByteCount
        guard raw.count == size * 2, let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        guard let r = BN_bin2bn(base, Int32(size), nil) else { return nil }
        guard let s = BN_bin2bn(base + size, Int32(size), nil) else { BN_free(r); return nil }
        guard let sig = ECDSA_SIG_new() else { BN_free(r); BN_free(s); return nil }
        defer { ECDSA_SIG_free(sig) }
        guard ECDSA_SIG_set0(sig, r, s) == 1 else { BN_free(r); BN_free(s); return nil }  // sig owns r, s from here
        var derPointer: UnsafeMutablePointer<UInt8>?
        let length = i2d_ECDSA_SIG(sig, &derPointer)
        guard length > 0, let derPointer else { return nil }
        defer { shim_OPENSSL_free(derPointer) }
        return Array(UnsafeBufferPointer(start: derPointer, count: Int(length)))
    }
}
