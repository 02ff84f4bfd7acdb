#if canImport(JOSE)
    import JOSE
#endif

/// libFuzzer entry point: any bytes as a JWK, as a JWKS, and as JSON for both readers. Must never crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJWK(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let key = try? JWSKey(jwkJSON: text) {
        // Whatever was accepted must export and thumbprint without trapping.
        _ = key.jwk(includePrivate: true)
        _ = key.jwk(includePrivate: false)
        _ = JWKThumbprint.thumbprint(of: key.material)
    }
    if let set = try? JWKSet(json: text) {
        _ = set.publicJSON()
    }
    // JSON objects are this corpus: the verifier's allocation-free scan must accept exactly
    // what the full reader accepts.
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let parsed = (try? JSONReader.parseObject(bytes)) != nil
    let scanned = (try? JSONReader.scanObject(bytes) { _, _ in }) != nil
    precondition(parsed == scanned, "JSONReader.scanObject and parseObject disagree")
    return 0
}
