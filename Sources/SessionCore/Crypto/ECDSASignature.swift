internal import COpenSSL

/// Converts ECDSA signatures between JOSE's fixed-length R‖S (RFC 7518 §3.4) and the DER
/// `ECDSA-Sig-Value` OpenSSL produces and expects.
enum ECDSASignature {
    /// R‖S, each left-padded to the curve's size, from a DER signature.
    static func raw(fromDER der: [UInt8], curve: ECCurve) throws(CryptoError) -> [UInt8] {
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
