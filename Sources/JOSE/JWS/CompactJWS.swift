#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A JWS in compact serialization (RFC 7515 §7.1), split and decoded but not verified.
///
/// Parsing is strict: exactly three segments of canonical unpadded base64url, a header
/// that is a UTF-8 JSON object with no duplicate members and at most 32 levels deep.
/// The payload is decoded but not parsed; `claims()` parses it.
public struct CompactJWS: Sendable {
    /// The largest token accepted, in bytes.
    public static let defaultMaxBytes = 64 * 1024

    /// The parsed protected header.
    public let header: JSONObject
    /// The decoded payload bytes.
    public let payload: [UInt8]
    /// The decoded signature bytes.
    public let signature: [UInt8]
    /// The token's bytes; the signing input is `bytes[..<signingInputCount]`.
    let bytes: [UInt8]
    /// Length of `BASE64URL(header) '.' BASE64URL(payload)`.
    let signingInputCount: Int

    /// Splits and decodes `token`. Throws `token_too_large` past `maxBytes` and
    /// `malformed` for anything not in strict compact form.
    public init(_ token: String, maxBytes: Int = defaultMaxBytes) throws(TokenRejection) {
        var token = token
        let bytes: [UInt8]? = token.withUTF8 { buffer in buffer.count > maxBytes ? nil : Array(buffer) }
        guard let bytes else {
            throw TokenRejection(.tokenTooLarge, "token is \(token.utf8.count) bytes, over the \(maxBytes)-byte limit")
        }
        try self.init(bytes: bytes)
    }

    /// Splits and decodes token bytes whose size the caller already limited.
    public init(bytes: [UInt8]) throws(TokenRejection) {
        let (firstDot, secondDot) = try bytes.withUnsafeBufferPointer { buffer throws(TokenRejection) in try Self.dots(buffer) }
        let decoded = bytes.withUnsafeBufferPointer { buffer in
            (
                Base64URL.decode(buffer: UnsafeBufferPointer(rebasing: buffer[0..<firstDot])),
                Base64URL.decode(buffer: UnsafeBufferPointer(rebasing: buffer[(firstDot + 1)..<secondDot])),
                Base64URL.decode(buffer: UnsafeBufferPointer(rebasing: buffer[(secondDot + 1)...]))
            )
        }
        guard let headerBytes = decoded.0, !headerBytes.isEmpty else { throw TokenRejection(.malformed, "header is not base64url") }
        guard let payload = decoded.1 else { throw TokenRejection(.malformed, "payload is not base64url") }
        guard let signature = decoded.2 else { throw TokenRejection(.malformed, "signature is not base64url") }
        do {
            header = try JSONReader.parseObject(headerBytes)
        } catch {
            throw TokenRejection(.malformed, "header is not a JSON object: \(error)")
        }
        self.payload = payload
        self.signature = signature
        self.bytes = bytes
        self.signingInputCount = secondDot
    }

    /// Where the two dots of a compact JWS are: `malformed` unless there are exactly two
    /// and the second is not the first byte.
    static func dots(_ buffer: UnsafeBufferPointer<UInt8>) throws(TokenRejection) -> (Int, Int) {
        guard let base = buffer.baseAddress else { throw TokenRejection(.malformed, "a compact JWS has exactly three segments") }
        func next(after index: Int) -> Int? {
            guard index < buffer.count, let found = memchr(base + index, Int32(UInt8(ascii: ".")), buffer.count - index) else { return nil }
            return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
        guard let firstDot = next(after: 0), let secondDot = next(after: firstDot + 1), next(after: secondDot + 1) == nil else {
            throw TokenRejection(.malformed, "a compact JWS has exactly three segments")
        }
        return (firstDot, secondDot)
    }

    /// The header's `alg` text. Throws `malformed` when it is absent or not a string.
    public func algorithmName() throws(TokenRejection) -> String {
        guard let alg = header["alg"] else { throw TokenRejection(.malformed, "header has no \"alg\"") }
        guard let name = alg.stringValue else { throw TokenRejection(.malformed, "header \"alg\" is not a string") }
        return name
    }

    /// The header's `kid`, if present. Throws `malformed` when it is not a string.
    public func keyID() throws(TokenRejection) -> String? {
        guard let kid = header["kid"] else { return nil }
        guard let text = kid.stringValue else { throw TokenRejection(.malformed, "header \"kid\" is not a string") }
        return text
    }

    /// The payload parsed as a JSON object. Throws `malformed` otherwise.
    public func claims() throws(TokenRejection) -> JSONObject {
        do {
            return try JSONReader.parseObject(payload)
        } catch {
            throw TokenRejection(.malformed, "payload is not a JSON object: \(error)")
        }
    }

    /// Calls `body` with the signing input and the signature.
    func withSigningInput<R>(_ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> R) -> R {
        bytes.withUnsafeBytes { all in
            signature.withUnsafeBytes { sig in body(UnsafeRawBufferPointer(rebasing: all[0..<signingInputCount]), sig) }
        }
    }
}
