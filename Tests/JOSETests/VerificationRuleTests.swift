import Testing
@testable import JOSE

/// One test per rule of DESIGN.md's "Token verification rules"; each fails if its rule is removed.
@Suite("Token verification rules")
struct VerificationRuleTests {
    let es256 = Support.key(.es256)
    let hs256 = Support.key(.hs256)

    @Test("token_too_large: a token over the limit is refused before parsing; one at exactly the limit is accepted")
    func tooLarge() throws {
        let token = try JWSSigner.sign(Support.claims(["pad": .string(String(repeating: "x", count: 1000))]), key: hs256)
        let size = token.utf8.count
        #expect(Support.rejection(token, keys: [hs256], options: VerificationOptions(maxTokenBytes: size)) == nil)
        #expect(Support.rejection(token, keys: [hs256], options: VerificationOptions(maxTokenBytes: size - 1)) == .tokenTooLarge)
        #expect(VerificationOptions().maxTokenBytes == 65_536)
        let over = try JWSSigner.sign(Support.claims(["pad": .string(String(repeating: "x", count: 70_000))]), key: hs256)
        #expect(over.utf8.count > 65_536)
        #expect(Support.rejection(over, keys: [hs256]) == .tokenTooLarge)
        #expect(Support.rejection(String(repeating: "a", count: 2 * 1024 * 1024), keys: [hs256]) == .tokenTooLarge)
    }

    @Test(
        "malformed: not exactly three strict base64url segments",
        arguments: [
            "", ".", "..", "a.b", "a.b.c.d", "eyJhbGciOiJIUzI1NiJ9=.e30.AA",
            "eyJhbGciOiJIUzI1NiJ9.e30=.AA", "eyJhbGciOiJIUzI1NiJ9.e30.AA==", "eyJhbGciOiJIUzI1NiJ9 .e30.AA",
            "eyJhbGciOiJIUzI1NiJ9.e3+.AA", "eyJhbGciOiJIUzI1NiJ9.e30.A/", ".e30.AA", "e30.e30.AA", "WzFd.e30.AA",
            "bnVsbA.e30.AA", "eyJhbGciOiJIUzI1NiJ9.e30.\u{00e9}",
        ])
    func malformedStructure(_ token: String) {
        let reason = Support.rejection(token, keys: [hs256])
        #expect(reason == .malformed)
    }

    @Test("malformed: signed payloads that are not JSON objects")
    func malformedPayload() throws {
        for payload in [
            "[1]", "\"text\"", "{\"a\":1,\"a\":2}", "{\"a\":1,\"\\u0061\":2}", "{\"exp\":1e999}", "not json",
            String(repeating: "[", count: 33) + String(repeating: "]", count: 33),
        ] {
            let token = try Support.rawToken(header: #"{"alg":"HS256"}"#, payload: payload, key: hs256, algorithm: .hs256)
            #expect(Support.rejection(token, keys: [hs256]) == .malformed, "payload \(payload.prefix(40))")
        }
    }

    @Test("malformed: headers with duplicate members, no alg, a non-string alg or kid, or invalid UTF-8")
    func malformedHeader() throws {
        for header in [
            #"{"alg":"HS256","alg":"HS256"}"#, #"{"alg":"HS256","\u0061lg":"none"}"#, #"{"typ":"JWT"}"#,
            #"{"alg":256}"#, #"{"alg":"HS256","kid":7}"#,
        ] {
            let token = try Support.token(header: header, key: hs256, algorithm: .hs256)
            #expect(Support.rejection(token, keys: [hs256]) == .malformed, "header \(header)")
        }
        let badUTF8 = Base64URL.encode(Array(#"{"alg":"HS256","x":""#.utf8) + [0xC0, 0xAF] + Array(#""}"#.utf8))
        #expect(Support.rejection("\(badUTF8).e30.AA", keys: [hs256]) == .malformed)
    }

    @Test("malformed: nesting over 32 levels in a signed payload, accepted at 32")
    func nesting() throws {
        func token(depth: Int) throws -> String {
            let nested = String(repeating: "[", count: depth - 1) + String(repeating: "]", count: depth - 1)
            let payload = JSONWriter.string(Support.claims()).dropLast() + ",\"n\":\(nested)}"
            return try Support.rawToken(header: #"{"alg":"HS256"}"#, payload: String(payload), key: hs256, algorithm: .hs256)
        }
        #expect(Support.rejection(try token(depth: 32), keys: [hs256]) == nil)
        #expect(Support.rejection(try token(depth: 33), keys: [hs256]) == .malformed)
    }

    @Test("malformed: exp, nbf and iat must be finite numbers in [0, 253402300799]")
    func numericDates() throws {
        for (claim, value) in [
            ("exp", JSONValue.string("1767225900")), ("exp", .number(JSONNumber(-1))),
            ("exp", .number(JSONNumber(253_402_300_800))), ("nbf", .string("0")),
            ("iat", .number(JSONNumber(-5))), ("exp", .null), ("nbf", .bool(true)),
        ] {
            var claims = Support.claims()
            claims[claim] = value
            let token = try JWSSigner.sign(claims, key: hs256)
            #expect(Support.rejection(token, keys: [hs256]) == .malformed, "\(claim) = \(value)")
        }
        var latest = Support.claims()
        latest["exp"] = .number(JSONNumber(253_402_300_799))
        #expect(Support.rejection(try JWSSigner.sign(latest, key: hs256), keys: [hs256]) == nil)
    }

    @Test("malformed: iss, sub and jti must be strings, aud a string or an array of strings")
    func claimTypes() throws {
        for (claim, value) in [
            ("iss", JSONValue.number(JSONNumber(1))), ("sub", .array([])), ("jti", .bool(false)),
            ("aud", .number(JSONNumber(1))), ("aud", .array([.string("a"), .number(JSONNumber(2))])),
        ] {
            var claims = Support.claims()
            claims[claim] = value
            #expect(Support.rejection(try JWSSigner.sign(claims, key: hs256), keys: [hs256]) == .malformed, "\(claim)")
        }
    }

    @Test("unsupported_alg: none in any spelling, and unknown names", arguments: ["none", "None", "NONE", "nOnE", "HS1024", "hs256", "ES256K", ""])
    func unsupportedAlg(_ alg: String) throws {
        let header = Base64URL.encode(Array("{\"alg\":\"\(alg)\"}".utf8))
        let payload = Base64URL.encode(JSONWriter.bytes(Support.claims()))
        #expect(Support.rejection("\(header).\(payload).", keys: [hs256]) == .unsupportedAlg)
        // Also with a genuine HMAC over the same input: `none` must not fall back to any key.
        let signature = try Array("\(header).\(payload)".utf8).withUnsafeBytes { try hs256.sign(.hs256, input: $0) }
        #expect(Support.rejection("\(header).\(payload).\(Base64URL.encode(signature))", keys: [hs256]) == .unsupportedAlg)
    }

    @Test("crit_unsupported: any crit, b64 included")
    func crit() throws {
        let token = try Support.token(header: #"{"alg":"HS256","b64":false,"crit":["b64"]}"#, key: hs256, algorithm: .hs256)
        #expect(Support.rejection(token, keys: [hs256]) == .critUnsupported)
        let other = try Support.token(header: #"{"alg":"HS256","crit":["exp"],"exp":1}"#, key: hs256, algorithm: .hs256)
        #expect(Support.rejection(other, keys: [hs256]) == .critUnsupported)
    }

    @Test("unknown_kid: a kid not in the set")
    func unknownKid() throws {
        let token = try JWSSigner.sign(Support.claims(), key: es256, kid: "someone-else")
        #expect(Support.rejection(token, keys: [es256]) == .unknownKid)
    }

    @Test("alg_not_allowed: HMAC signed with an RSA public key is refused (algorithm confusion)")
    func algorithmConfusion() throws {
        let rsa = Support.key(.rs256)
        let publicText = JSONWriter.string(rsa.jwk(includePrivate: false))
        let attackerKey = try JWSKey(material: .symmetric(Array(publicText.utf8)), algorithm: .hs256, kid: rsa.kid)
        let forged = try JWSSigner.sign(Support.claims(), key: attackerKey)
        let publicKey = try JWSKey(jwkJSON: publicText)
        #expect(Support.rejection(forged, keys: [publicKey]) == .algNotAllowed)
    }

    @Test("alg_not_allowed: curve, bound alg and the allowed list are enforced")
    func algNotAllowed() throws {
        // ES384 header on a P-256 key.
        let p256 = try Support.token(header: "{\"alg\":\"ES384\",\"kid\":\"\(es256.kid)\"}", key: Support.key(.es384), algorithm: .es384)
        #expect(Support.rejection(p256, keys: [es256]) == .algNotAllowed)
        // A PS256 token against a key bound to RS256.
        let rsa = Support.key(.rs256)
        let pss = try JWSKey(material: rsa.material, algorithm: .ps256, kid: rsa.kid)
        let pssToken = try JWSSigner.sign(Support.claims(), key: pss)
        #expect(Support.rejection(pssToken, keys: [rsa]) == .algNotAllowed)
        // --algorithms excludes an otherwise fitting key.
        let token = try JWSSigner.sign(Support.claims(), key: es256)
        #expect(Support.rejection(token, keys: [es256], options: VerificationOptions(algorithms: [.rs256])) == .algNotAllowed)
        #expect(Support.rejection(token, keys: [es256], options: VerificationOptions(algorithms: [.es256])) == nil)
    }

    @Test("an unbound RSA key verifies both RS256 and PS256 unless --algorithms narrows it")
    func unboundKey() throws {
        let rsa = Support.key(.rs256)
        var jwk = rsa.jwk(includePrivate: false)
        jwk["alg"] = nil
        let unbound = try JWSKey(jwk: jwk)
        #expect(unbound.algorithm == nil)
        let pss = try JWSKey(material: rsa.material, algorithm: .ps256, kid: rsa.kid)
        #expect(Support.rejection(try JWSSigner.sign(Support.claims(), key: pss), keys: [unbound]) == nil)
        #expect(Support.rejection(try JWSSigner.sign(Support.claims(), key: rsa), keys: [unbound]) == nil)
        #expect(
            Support.rejection(
                try JWSSigner.sign(Support.claims(), key: pss), keys: [unbound],
                options: VerificationOptions(algorithms: [.rs256])) == .algNotAllowed)
    }

    @Test("weak_key: HMAC secrets shorter than the hash and RSA under 2048 bits, on verify and sign")
    func weakKeys() throws {
        let short = try JWSKey(material: .symmetric([UInt8](repeating: 7, count: 31)), algorithm: .hs256, kid: "short")
        let input = Base64URL.encode(Array(#"{"alg":"HS256","kid":"short"}"#.utf8)) + "." + Base64URL.encode(JSONWriter.bytes(Support.claims()))
        // Compute the HMAC with OpenSSL directly: the signer refuses weak keys.
        let hmac = try HMACKey(secret: [UInt8](repeating: 7, count: 31), hash: .sha256)
        let signature = Array(input.utf8).withUnsafeBytes { hmac.mac($0) }
        let token = input + "." + Base64URL.encode(signature)
        #expect(Support.rejection(token, keys: [short]) == .weakKey)
        #expect(throws: SigningRefusal.self) { try JWSSigner.sign(Support.claims(), key: short) }

        let hs384Short = try JWSKey(material: .symmetric([UInt8](repeating: 1, count: 32)), algorithm: .hs384, kid: "k")
        #expect(throws: SigningRefusal.self) { try JWSSigner.sign(Support.claims(), key: hs384Short) }

        let small = try EVPKey.generateRSA(bits: 1024)
        let rsa1024 = try JWSKey(material: .asymmetric(small), algorithm: .rs256, kid: "small")
        #expect(rsa1024.isWeak(for: .rs256))
        #expect(throws: SigningRefusal.self) { try JWSSigner.sign(Support.claims(), key: rsa1024) }
        // Sign below the JWS layer, as an attacker holding a small key would.
        let rsaInput = Base64URL.encode(Array(#"{"alg":"RS256","kid":"small"}"#.utf8)) + "." + Base64URL.encode(JSONWriter.bytes(Support.claims()))
        let rsaSignature = try Array(rsaInput.utf8).withUnsafeBytes { try SignatureContext(key: small, algorithm: .rs256).sign(input: $0) }
        #expect(Support.rejection(rsaInput + "." + Base64URL.encode(rsaSignature), keys: [rsa1024]) == .weakKey)
    }

    @Test("bad_signature: a changed payload, another key's signature, a wrong-length ECDSA signature")
    func badSignature() throws {
        let token = try JWSSigner.sign(Support.claims(), key: es256)
        let parts = token.split(separator: ".").map(String.init)
        let changed = Base64URL.encode(JSONWriter.bytes(Support.claims(["sub": .string("mallory")])))
        #expect(Support.rejection("\(parts[0]).\(changed).\(parts[2])", keys: [es256]) == .badSignature)
        let short = Base64URL.encode(Base64URL.decode(parts[2])!.dropLast())
        #expect(Support.rejection("\(parts[0]).\(parts[1]).\(short)", keys: [es256]) == .badSignature)
        let der = Base64URL.encode([0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01])
        #expect(Support.rejection("\(parts[0]).\(parts[1]).\(der)", keys: [es256]) == .badSignature)
        #expect(Support.rejection("\(parts[0]).\(parts[1]).", keys: [es256]) == .badSignature)
    }

    @Test("keys named by the token (jwk, jku, x5u, x5c) are never trusted")
    func embeddedKeys() throws {
        let attacker = Support.otherKey(.es256)
        let jwk = JSONWriter.string(attacker.jwk(includePrivate: false))
        let header = "{\"alg\":\"ES256\",\"jwk\":\(jwk),\"jku\":\"https://evil.example/jwks\",\"x5u\":\"https://evil.example/x\"}"
        let token = try Support.token(header: header, key: attacker, algorithm: .es256)
        #expect(Support.rejection(token, keys: [es256]) == .badSignature)
    }

    @Test("expired: exp is exclusive; leeway extends it")
    func expired() throws {
        let token = try JWSSigner.sign(Support.claims(), key: hs256)
        let exp = Support.now + 300
        #expect(Support.rejection(token, keys: [hs256], now: exp - 1) == nil)
        #expect(Support.rejection(token, keys: [hs256], now: exp) == .expired)
        #expect(Support.rejection(token, keys: [hs256], options: VerificationOptions(leeway: 30), now: exp + 29) == nil)
        #expect(Support.rejection(token, keys: [hs256], options: VerificationOptions(leeway: 30), now: exp + 30) == .expired)
    }

    @Test("missing_claim: exp is required")
    func missingExp() throws {
        var claims = Support.claims()
        claims["exp"] = nil
        #expect(Support.rejection(try JWSSigner.sign(claims, key: hs256), keys: [hs256]) == .missingClaim)
    }

    @Test("not_yet_valid: nbf in the future, or iat in the future; leeway tolerates skew")
    func notYetValid() throws {
        let nbf = try JWSSigner.sign(Support.claims(["nbf": .number(JSONNumber(Support.now + 60))]), key: hs256)
        #expect(Support.rejection(nbf, keys: [hs256]) == .notYetValid)
        #expect(Support.rejection(nbf, keys: [hs256], options: VerificationOptions(leeway: 60)) == nil)
        #expect(Support.rejection(nbf, keys: [hs256], now: Support.now + 60) == nil)
        let iat = try JWSSigner.sign(Support.claims(["iat": .number(JSONNumber(Support.now + 60))]), key: hs256)
        #expect(Support.rejection(iat, keys: [hs256]) == .notYetValid)
        #expect(Support.rejection(iat, keys: [hs256], options: VerificationOptions(leeway: 60)) == nil)
    }

    @Test("bad_issuer and missing_claim for iss")
    func issuer() throws {
        let token = try JWSSigner.sign(Support.claims(), key: hs256)
        #expect(Support.rejection(token, keys: [hs256], options: VerificationOptions(issuer: "https://auth.example")) == nil)
        #expect(Support.rejection(token, keys: [hs256], options: VerificationOptions(issuer: "https://auth.example/")) == .badIssuer)
        var claims = Support.claims()
        claims["iss"] = nil
        #expect(Support.rejection(try JWSSigner.sign(claims, key: hs256), keys: [hs256], options: VerificationOptions(issuer: "x")) == .missingClaim)
    }

    @Test("bad_audience and missing_claim for aud, which may be a string or an array")
    func audience() throws {
        let single = try JWSSigner.sign(Support.claims(), key: hs256)
        #expect(Support.rejection(single, keys: [hs256], options: VerificationOptions(audience: "orders")) == nil)
        #expect(Support.rejection(single, keys: [hs256], options: VerificationOptions(audience: "billing")) == .badAudience)
        let array = try JWSSigner.sign(Support.claims(["aud": .array([.string("billing"), .string("orders")])]), key: hs256)
        #expect(Support.rejection(array, keys: [hs256], options: VerificationOptions(audience: "orders")) == nil)
        #expect(Support.rejection(array, keys: [hs256], options: VerificationOptions(audience: "ord")) == .badAudience)
        var claims = Support.claims()
        claims["aud"] = nil
        #expect(Support.rejection(try JWSSigner.sign(claims, key: hs256), keys: [hs256], options: VerificationOptions(audience: "orders")) == .missingClaim)
    }

    @Test("bad_type: typ compared case-insensitively, with or without application/")
    func type() throws {
        let at = try JWSSigner.sign(Support.claims(), key: hs256, type: "at+jwt")
        let app = try JWSSigner.sign(Support.claims(), key: hs256, type: "application/AT+JWT")
        let jwt = try JWSSigner.sign(Support.claims(), key: hs256, type: "JWT")
        let none = try JWSSigner.sign(Support.claims(), key: hs256)
        let want = VerificationOptions(type: "at+jwt")
        #expect(Support.rejection(at, keys: [hs256], options: want) == nil)
        #expect(Support.rejection(app, keys: [hs256], options: want) == nil)
        #expect(Support.rejection(at, keys: [hs256], options: VerificationOptions(type: "application/at+jwt")) == nil)
        #expect(Support.rejection(jwt, keys: [hs256], options: want) == .badType)
        #expect(Support.rejection(none, keys: [hs256], options: want) == .badType)
    }

    @Test("signing refuses a key bound to another algorithm and keys that do not fit")
    func signingRefusals() throws {
        #expect(throws: SigningRefusal.self) { try JWSSigner.sign(Support.claims(), key: es256, algorithm: .es384) }
        #expect(throws: SigningRefusal.self) { try JWSSigner.sign(Support.claims(), key: es256, algorithm: .hs256) }
        #expect(throws: JOSEInputError.self) { try JWSKey(material: es256.material, algorithm: .rs256) }
    }

    @Test("escaped spellings are the same names and values: \\u0065xp is exp, an escaped kid and issuer match")
    func escapedSpellings() throws {
        let exp = Int(Support.now)
        // An expired exp spelled with an escape is still exp.
        let expired = try Support.rawToken(header: #"{"alg":"HS256"}"#, payload: #"{"\u0065xp":\#(exp - 100)}"#, key: hs256, algorithm: .hs256)
        #expect(Support.rejection(expired, keys: [hs256]) == .expired)
        // exp twice, once escaped, is a duplicate.
        let twice = try Support.rawToken(
            header: #"{"alg":"HS256"}"#, payload: #"{"exp":\#(exp + 100),"\u0065xp":\#(exp - 100)}"#, key: hs256, algorithm: .hs256)
        #expect(Support.rejection(twice, keys: [hs256]) == .malformed)
        // An issuer with an escaped slash matches the plain issuer; a kid with an escape matches its key.
        let key = try JWSKey(material: hs256.material, algorithm: .hs256, kid: "k/1")
        let escaped = try Support.rawToken(
            header: #"{"alg":"HS256","kid":"k\/1"}"#,
            payload: #"{"iss":"https:\/\/auth.example","exp":\#(exp + 100)}"#, key: key, algorithm: .hs256)
        #expect(Support.rejection(escaped, keys: [key], options: VerificationOptions(issuer: "https://auth.example")) == nil)
        #expect(Support.rejection(escaped, keys: [key], options: VerificationOptions(issuer: "https://auth.example/")) == .badIssuer)
        // A kid that differs only after unescaping is unknown.
        let other = try Support.rawToken(header: #"{"alg":"HS256","kid":"k\/2"}"#, payload: #"{"exp":\#(exp + 100)}"#, key: key, algorithm: .hs256)
        #expect(Support.rejection(other, keys: [key]) == .unknownKid)
    }

    @Test("a verified token's header and claims are exactly what the full reader reads")
    func verifiedContents() throws {
        let claims = Support.claims(["scope": .string("a b"), "n": .array([.number(JSONNumber(1)), .object(JSONObject(["x": .null]))])])
        let token = try JWSSigner.sign(claims, key: es256, type: "at+jwt")
        let verified = try JWSVerifier.verify(token, keys: JWKSet(keys: [es256]), options: VerificationOptions(type: "at+jwt"), now: Support.now)
        #expect(verified.claims == claims)
        #expect(verified.claims.names == claims.names)
        #expect(verified.header["typ"]?.stringValue == "at+jwt")
        #expect(verified.header["kid"]?.stringValue == es256.kid)
        #expect(verified.key === es256)
        #expect(verified.token == token)
    }
}
