import JOSE
import Testing

/// The README's "JOSE on its own" example, compiled and run as written.
@Suite("README example")
struct ReadmeExampleTests {
    @Test("sign and verify with the JOSE product alone")
    func example() throws {
        let key = try JWSKey.generate(.es256, kid: "orders-2026")
        let token = try JWSSigner.sign(JSONObject(["sub": .string("alice"), "aud": .string("orders"), "exp": .number(JSONNumber(1_900_000_000))]), key: key)
        let verified = try JWSVerifier.verify(token, keys: JWKSet(keys: [key]), options: VerificationOptions(audience: "orders"), now: SystemClock.now())
        #expect(verified.claims["sub"]?.stringValue == "alice")
        #expect(throws: TokenRejection.self) {
            try JWSVerifier.verify(token, keys: JWKSet(keys: [key]), options: VerificationOptions(audience: "billing"), now: SystemClock.now())
        }
    }
}
