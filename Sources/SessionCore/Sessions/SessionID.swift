import JOSE

/// Session identifiers: 128 random bits in base64url (22 characters). An identifier never
/// starts with `-`, so it can be passed to a command line without being read as an option.
public enum SessionID {
    /// A new identifier from OpenSSL's CSPRNG.
    public static func generate() -> String { make(SecureRandom.bytes(16)) }

    /// An identifier from 16 given bytes (demo data uses a seeded generator).
    public static func make(_ bytes: [UInt8]) -> String {
        var text = Base64URL.encode(bytes)
        if text.first == "-" { text = "x" + text.dropFirst() }
        return text
    }
}
