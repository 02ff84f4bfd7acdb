/// Registered-claim checks (RFC 7519 §4.1) with the current time passed in, never read.
///
/// Guarantees, in order: `exp`, `nbf`, `iat` are numbers in [0, maxNumericDate] and `iss`,
/// `sub`, `jti` strings, `aud` a string or array of strings (else `malformed`, the first
/// offending member in document order); `exp` is present (`missing_claim`) and
/// `now < exp + leeway` (`expired`); `now + leeway >= nbf` and `iat <= now + leeway`
/// (`not_yet_valid`); then the issuer and audience options. It reads the claims from the
/// verifier's allocation-free scan (`validateScanned`).
public enum ClaimsValidator {
    /// The latest NumericDate accepted: 9999-12-31T23:59:59Z.
    public static let maxNumericDate: Double = 253_402_300_799

    /// How a claim compares with what the options require.
    enum Match {
        case absent
        case matches
        /// Present and different: the claim's text, for the message.
        case differs(String)
    }

    /// Checks the claims of a payload `JSONReader.scanObject` accepts, reading only the
    /// registered members and building no value unless a check fails or `aud` is an array.
    static func validateScanned(_ payload: UnsafeBufferPointer<UInt8>, options: VerificationOptions, now: Double) throws(TokenRejection) {
        var exp: Double?, nbf: Double?, iat: Double?
        var iss: ScannedString?
        var aud: ScannedValue?
        var rejection: TokenRejection?
        do {
            try JSONReader.scanObject(payload) { name, value throws(JSONError) in
                guard let claim = RegisteredClaim(name, in: payload) else { return }
                do throws(TokenRejection) {
                    switch claim {
                    case .exp: exp = try numericDate("exp", value.number)
                    case .nbf: nbf = try numericDate("nbf", value.number)
                    case .iat: iat = try numericDate("iat", value.number)
                    case .iss, .sub, .jti:
                        guard case .string(let text) = value else { throw notAString(name.text(in: payload)) }
                        if claim == .iss { iss = text }
                    case .aud: aud = value
                    }
                } catch {
                    rejection = error
                    throw JSONError(message: "rejected", offset: -1)  // stops the scan
                }
            }
        } catch {
            if let rejection { throw rejection }
            throw TokenRejection(.malformed, "payload is not a JSON object: \(error)")
        }
        var audience = Match.absent
        if let aud {
            switch aud {
            case .string(let text):
                if let wanted = options.audience { audience = matches(text, wanted, in: payload) ? .matches : .differs("") }
            case .array(let range):
                // Arrays are rare in access tokens: parse this one value.
                let list = try audienceList((try? JSONReader.parse(buffer: UnsafeBufferPointer(rebasing: payload[range]))) ?? .null)
                if let wanted = options.audience { audience = list.contains(wanted) ? .matches : .differs("") }
            default:
                throw TokenRejection(.malformed, "claim \"aud\" is neither a string nor an array of strings")
            }
        }
        var issuer = Match.absent
        if let iss {
            if let wanted = options.issuer, matches(iss, wanted, in: payload) { issuer = .matches } else { issuer = .differs(iss.text(in: payload)) }
        }
        try check(exp: exp, nbf: nbf, iat: iat, issuer: issuer, audience: audience, options: options, now: now)
    }

    /// The checks after the types: times, then issuer and audience.
    private static func check(
        exp: Double?, nbf: Double?, iat: Double?, issuer: Match, audience: Match,
        options: VerificationOptions, now: Double
    ) throws(TokenRejection) {
        guard let exp else { throw TokenRejection(.missingClaim, "claim \"exp\" is required") }
        let leeway = options.leeway
        if now >= exp + leeway {
            throw TokenRejection(.expired, "token expired at \(exp) (now \(Int64(now.rounded(.down))), leeway \(leeway)s)")
        }
        if let nbf, now + leeway < nbf {
            throw TokenRejection(.notYetValid, "token is not valid before \(nbf) (now \(Int64(now.rounded(.down))))")
        }
        if let iat, iat > now + leeway {
            throw TokenRejection(.notYetValid, "token was issued in the future (iat \(iat), now \(Int64(now.rounded(.down))))")
        }
        if let wanted = options.issuer {
            switch issuer {
            case .absent: throw TokenRejection(.missingClaim, "claim \"iss\" is required")
            case .differs(let iss):
                throw TokenRejection(.badIssuer, "issuer \"\(JSONWriter.escapeForMessage(iss))\" is not \"\(JSONWriter.escapeForMessage(wanted))\"")
            case .matches: break
            }
        }
        if let wanted = options.audience {
            switch audience {
            case .absent: throw TokenRejection(.missingClaim, "claim \"aud\" is required")
            case .differs: throw TokenRejection(.badAudience, "audience does not include \"\(JSONWriter.escapeForMessage(wanted))\"")
            case .matches: break
            }
        }
    }

    private static func matches(_ scanned: ScannedString, _ wanted: String, in payload: UnsafeBufferPointer<UInt8>) -> Bool {
        var wanted = wanted
        return wanted.withUTF8 { scanned.equals($0, in: payload) }
    }

    private static func notAString(_ name: String) -> TokenRejection {
        TokenRejection(.malformed, "claim \"\(name)\" is not a string")
    }

    private static func numericDate(_ name: String, _ number: Double?) throws(TokenRejection) -> Double {
        guard let number, number.isFinite, number >= 0, number <= maxNumericDate else {
            throw TokenRejection(.malformed, "claim \"\(name)\" is not a NumericDate in [0, \(Int64(maxNumericDate))]")
        }
        return number
    }

    private static func audienceList(_ value: JSONValue) throws(TokenRejection) -> [String] {
        if let single = value.stringValue { return [single] }
        if let array = value.arrayValue {
            var out: [String] = []
            for element in array {
                guard let text = element.stringValue else { throw TokenRejection(.malformed, "claim \"aud\" has a non-string member") }
                out.append(text)
            }
            return out
        }
        throw TokenRejection(.malformed, "claim \"aud\" is neither a string nor an array of strings")
    }
}

extension ScannedValue {
    /// The number, if this is a number.
    var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }
}

/// The registered claims the validator reads, recognised from a scanned member name by its
/// three bytes, without building a String.
private enum RegisteredClaim {
    case exp, nbf, iat, iss, sub, jti, aud

    init?(_ name: ScannedString, in payload: UnsafeBufferPointer<UInt8>) {
        if name.hasEscapes {
            switch name.text(in: payload) {
            case "exp": self = .exp
            case "nbf": self = .nbf
            case "iat": self = .iat
            case "iss": self = .iss
            case "sub": self = .sub
            case "jti": self = .jti
            case "aud": self = .aud
            default: return nil
            }
            return
        }
        guard name.range.count == 3 else { return nil }
        let at = name.range.lowerBound
        switch UInt32(payload[at]) << 16 | UInt32(payload[at + 1]) << 8 | UInt32(payload[at + 2]) {
        case 0x65_7870: self = .exp  // e x p
        case 0x6E_6266: self = .nbf  // n b f
        case 0x69_6174: self = .iat  // i a t
        case 0x69_7373: self = .iss  // i s s
        case 0x73_7562: self = .sub  // s u b
        case 0x6A_7469: self = .jti  // j t i
        case 0x61_7564: self = .aud  // a u d
        default: return nil
        }
    }
}
