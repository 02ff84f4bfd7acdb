#if canImport(JOSE)
    import JOSE
#endif

/// Keys built once: the fuzzer drives the whole verification path, parser first.
private let keys: JWKSet = {
    let hmac = try! JWSKey(material: .symmetric([UInt8](repeating: 0x42, count: 64)), algorithm: .hs256, kid: "h")
    let ec = try! JWSKey.generate(.es256, kid: "e")
    let ed = try! JWSKey.generate(.edDSA, kid: "d")
    return JWKSet(keys: [hmac, ec, ed])
}()

/// libFuzzer entry point: any bytes as a token. Must never crash; rejections are fine.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzToken(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let token = String(decoding: bytes, as: UTF8.self)
    _ = try? JWSVerifier.verify(token, keys: keys, options: VerificationOptions(issuer: "i", audience: "a", type: "at+jwt"), now: 1_767_225_600)
    if let jws = try? CompactJWS(bytes: bytes) {
        _ = try? jws.claims()
    }
    _ = try? TokenDescription(token: token, now: 1_767_225_600)
    _ = try? JSONReader.parse(bytes)
    _ = Base64URL.decode(bytes)
    return 0
}
