import JOSE

/// Everything the console's token inspector shows about a pasted token: the decoded parts,
/// the signature checked against the store's key ring, the session, jti, user-cutoff and
/// key state, and RFC 8725 warnings. Never throws: a token that cannot be decoded gives a
/// report that says why.
public struct TokenInspection: Sendable {
    /// The decoded token, when it decodes.
    public let description: TokenDescription?
    /// Why it does not decode, when it does not.
    public let decodeError: TokenRejection?
    /// The verification verdict against the key ring: nil when valid.
    public let verification: TokenRejection?
    /// The key that signed it (kid), when a key verified it.
    public let signingKey: String?
    /// The key's state in the store.
    public let keyState: KeyState?
    /// The session it belongs to, when the `sid` is in the store.
    public let session: SessionRecord?
    /// The revocation verdict, when revoked.
    public let revocation: RevocationVerdict?
    /// A short, non-reversible label: the first 12 characters and a SHA-256 prefix.
    public let redacted: String

    /// Inspects `token` against `store` at `now`.
    public init(token: String, store: any SessionStore, now: Double) {
        let trimmed = token.trimmingCharacters(in: .whitespacesAndNewlines)
        let digest = HashFunction.sha256.hash(trimmed).prefix(6).hexString
        redacted = "\(trimmed.prefix(12))… (sha256 \(digest))"
        do {
            let description = try TokenDescription(token: trimmed, now: now)
            self.description = description
            decodeError = nil
            let records = (try? store.signingKeys()) ?? []
            var verification: TokenRejection?
            var signingKey: String?
            do throws(TokenRejection) {
                let verified = try JWSVerifier.verify(trimmed, keys: KeyRing.verificationSet(records), now: now)
                signingKey = verified.key.kid
            } catch {
                verification = error
            }
            self.verification = verification
            self.signingKey = signingKey
            let kid = signingKey ?? description.header["kid"]?.stringValue
            keyState = records.first { $0.kid == kid }?.state
            let claims = description.claims
            let sid = claims["sid"]?.stringValue
            session = sid.flatMap { try? store.session(id: $0) } ?? nil
            revocation =
                (try? store.revocationVerdict(
                    sessionID: sid, tokenID: claims["jti"]?.stringValue, user: claims["sub"]?.stringValue,
                    issuedAt: claims["iat"]?.doubleValue, kid: kid)) ?? nil
        } catch {
            description = nil
            decodeError = error
            verification = error
            signingKey = nil
            keyState = nil
            session = nil
            revocation = nil
        }
    }

    /// One-line verdict: valid, or the first reason it is refused.
    public var verdict: String {
        if let decodeError { return "cannot decode: \(decodeError)" }
        if let revocation { return "REVOKED: \(revocation)" }
        if let verification { return "REJECTED: \(verification)" }
        return "VALID: signature by \(signingKey ?? "?"), claims in force"
    }
}
