import Testing
@testable import JOSE

@Suite("Base64URL")
struct Base64URLTests {
    @Test("RFC 4648 test vectors, unpadded and URL-safe")
    func vectors() {
        let cases: [(String, String)] = [
            ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy"),
        ]
        for (plain, encoded) in cases {
            #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
            #expect(Base64URL.decode(encoded) == Array(plain.utf8))
        }
        #expect(Base64URL.encode([0xFB, 0xFF, 0xBF]) == "-_-_")
        #expect(Base64URL.decode("-_-_") == [0xFB, 0xFF, 0xBF])
    }

    @Test("round trip of every length and byte value")
    func roundTrip() {
        for length in 0..<70 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
        let all = (0...255).map(UInt8.init)
        #expect(Base64URL.decode(Base64URL.encode(all)) == all)
    }

    @Test(
        "refuses padding, the standard alphabet, whitespace and impossible lengths",
        arguments: ["Zg==", "Zm8=", "Zm9v+", "Zm9v/w", "Zm 9v", "Zm9v\n", "Z", "Zm9vY", "Zm9v.", "Zg\u{0}", "é"])
    func refusals(_ text: String) {
        #expect(Base64URL.decode(text) == nil)
    }

    @Test("refuses non-canonical encodings whose unused bits are set")
    func nonCanonical() {
        #expect(Base64URL.decode("Zg") == [0x66])
        #expect(Base64URL.decode("Zh") == nil)  // low 4 bits of 'h' set
        #expect(Base64URL.decode("Zm8") == [0x66, 0x6F])
        #expect(Base64URL.decode("Zm9") == nil)  // low 2 bits of '9' set
    }
}
