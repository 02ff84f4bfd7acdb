/// Why a signing request was refused (exit 1 on the command line).
public struct SigningRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// One line naming the problem.
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Signs claim sets as compact JWS.
public enum JWSSigner {
    /// A compact JWS of `claims` signed by `key`.
    ///
    /// The algorithm is `algorithm` if given, else the key's own. Refuses (throws
    /// `SigningRefusal`) when the key cannot sign, is bound to another algorithm, does not
    /// fit the algorithm, or is weak. The header holds `alg`, then `typ` (if given) and
    /// `kid` (the key's, unless `kid` overrides it), then `extraHeader` members.
    public static func sign(
        _ claims: JSONObject, key: JWSKey, algorithm: JWSAlgorithm? = nil, algorithmName: String? = nil,
        type: String? = nil, kid: String? = nil, extraHeader: JSONObject = JSONObject()
    ) throws(SigningRefusal) -> String {
        guard key.canSign else { throw SigningRefusal("the key has no private part and cannot sign") }
        guard let algorithm = algorithm ?? key.algorithm else {
            throw SigningRefusal("the key has no \"alg\"; name the algorithm with --alg")
        }
        if let bound = key.algorithm, bound != algorithm {
            throw SigningRefusal("the key is bound to \(key.algorithmName ?? bound.rawValue), not \(algorithmName ?? algorithm.rawValue)")
        }
        guard key.fits(algorithm) else { throw SigningRefusal("a \(key.summary) key cannot sign \(algorithm.rawValue)") }
        guard !key.isWeak(for: algorithm) else {
            throw SigningRefusal("weak_key: a \(key.summary) key is too weak for \(algorithm.rawValue)")
        }
        var header = JSONObject()
        header["alg"] = .string(algorithmName ?? (key.algorithm == algorithm ? key.algorithmName : nil) ?? algorithm.rawValue)
        if let type { header["typ"] = .string(type) }
        header["kid"] = .string(kid ?? key.kid)
        for member in extraHeader where header[member.name] == nil { header[member.name] = member.value }
        // One buffer grows into the whole token: header, payload, then the signature.
        let headerJSON = JSONWriter.bytes(header), claimsJSON = JSONWriter.bytes(claims)
        var input: [UInt8] = []
        input.reserveCapacity((headerJSON.count + claimsJSON.count) * 4 / 3 + 700)
        headerJSON.withUnsafeBufferPointer { Base64URL.append($0, to: &input) }
        input.append(UInt8(ascii: "."))
        claimsJSON.withUnsafeBufferPointer { Base64URL.append($0, to: &input) }
        let signature: [UInt8]
        do {
            signature = try input.withUnsafeBytes { buffer throws(CryptoError) in try key.sign(algorithm, input: buffer) }
        } catch {
            throw SigningRefusal("signing failed: \(error)")
        }
        input.append(UInt8(ascii: "."))
        signature.withUnsafeBufferPointer { Base64URL.append($0, to: &input) }
        return String(decoding: input, as: UTF8.self)
    }
}
