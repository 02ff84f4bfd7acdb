import Testing
import SessionDemo
@testable import JOSE

/// `JSONReader.scanObject` (the verifier's allocation-free path) must agree with the full
/// reader on every input: same acceptance, same members in the same order, same values.
@Suite("Allocation-free JSON scan agrees with the full reader")
struct JSONScanTests {
    /// The members as the scan reports them, decoded, or nil when the scan refuses.
    static func scanned(_ bytes: [UInt8]) -> [(String, JSONValue)]? {
        bytes.withUnsafeBufferPointer { buffer in
            var members: [(String, JSONValue)] = []
            do {
                try JSONReader.scanObject(buffer) { name, value in
                    let decoded: JSONValue
                    switch value {
                    case .null: decoded = .null
                    case .bool(let flag): decoded = .bool(flag)
                    case .number(let number): decoded = .number(JSONNumber(number))
                    case .string(let text): decoded = .string(text.text(in: buffer))
                    case .array(let range), .object(let range):
                        decoded = (try? JSONReader.parse(buffer: UnsafeBufferPointer(rebasing: buffer[range]))) ?? .string("unparseable range")
                    }
                    members.append((name.text(in: buffer), decoded))
                }
                return members
            } catch {
                return nil
            }
        }
    }

    static func agree(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        let parsed = try? JSONReader.parseObject(bytes)
        let scan = scanned(bytes)
        #expect((parsed == nil) == (scan == nil), "acceptance differs for \(String(decoding: bytes, as: UTF8.self).prefix(80))", sourceLocation: sourceLocation)
        guard let parsed, let scan else { return }
        #expect(parsed.names == scan.map(\.0), sourceLocation: sourceLocation)
        for (member, (_, value)) in zip(parsed.members, scan) {
            #expect(member.value == value, "member \(member.name)", sourceLocation: sourceLocation)
        }
    }

    static let corpus: [String] = [
        "{}", " { } ", #"{"a":1}"#, #"{"a":[1,-2.5e3,true,false,null],"b\u00e9":"x\"\\\/\b\f\n\r\t\ud83d\ude00","c":{}}"#,
        #"{"exp":1767225900,"iss":"https:\/\/auth.example","aud":["a","b"],"nested":{"k":[{"x":"y"}]}}"#,
        #"{"a":1,"a":2}"#, #"{"a":1,"\u0061":2}"#, #"{"x":{"k":1,"k":1}}"#, #"{"é":1,"\u00e9":2}"#,
        #"{"a":"\u00e9\u4e2d\ud83d\ude00 plain ascii run longer than eight bytes"}"#, #"{"a":"😀é中"}"#,
        "", " ", "{", "{\"a\"}", "{\"a\":1,}", "[1,]", "{'a':1}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}",
        "{\"a\":-}", "{\"a\":1e}", "{\"a\":tru}", "{\"a\":nul}", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":1e999}",
        "{\"a\":12345678901234567890123456789012345678901234567890}", "{\"a\":-0.0e-5}",
        "{\"a\":\"\\x\"}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\udc00\"}", "{\"a\":\"\u{1}\"}", "{} {}", "{}x",
        "\u{FEFF}{}", "{\"a\":\"\\u12\"}", "{\"a\" 1}", "{1:2}", "[]", "1", "\"s\"", "null", "true",
        String(repeating: "[", count: 31) + String(repeating: "]", count: 31),
        "{\"n\":" + String(repeating: "[", count: 31) + String(repeating: "]", count: 31) + "}",
        "{\"n\":" + String(repeating: "[", count: 32) + String(repeating: "]", count: 32) + "}",
        "{\"n\":" + String(repeating: "{\"a\":", count: 31) + "1" + String(repeating: "}", count: 31) + "}",
        "{\"n\":" + String(repeating: "{\"a\":", count: 32) + "1" + String(repeating: "}", count: 32) + "}",
    ]

    @Test("finds duplicates among names the quick filter cannot tell apart, and past 64 members")
    func duplicateFilter() {
        let many = (0..<70).map { #""k\#($0)":\#($0)"# }
        let texts = [
            #"{"axb":1,"ayb":2,"azb":3}"#,  // same length, first and last byte: no duplicate
            #"{"axb":1,"ayb":2,"axb":3}"#,  // …and one
            "{" + many.joined(separator: ",") + "}",
            "{" + many.joined(separator: ",") + #","k0":0}"#,  // the duplicate is past the 64 kept on the stack
            "{" + many.joined(separator: ",") + #","k69":0}"#,  // …or is itself one of the overflow
            #"{"a\u0078b":1,"axb":2}"#,  // equal only after unescaping
        ]
        let accepted = texts.map { Self.scanned(Array($0.utf8)) != nil }
        #expect(accepted == [true, false, true, false, false, false])
        for text in texts { Self.agree(Array(text.utf8)) }
    }

    @Test("agrees on a corpus of valid and invalid texts")
    func corpus() {
        for text in Self.corpus { Self.agree(Array(text.utf8)) }
        // Invalid UTF-8 inside a string, in names and in values.
        for bad in [[0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC3], [0xFF], [0x80]] as [[UInt8]] {
            Self.agree(Array(#"{"a":""#.utf8) + bad + Array(#""}"#.utf8))
            Self.agree(Array(#"{""#.utf8) + bad + Array(#"":1}"#.utf8))
            Self.agree(Array(#"{"a":"plain ascii padding "#.utf8) + bad + Array(#" more"}"#.utf8))
        }
    }

    @Test("agrees on 20,000 random mutations of a claim set")
    func mutations() {
        let seed = Array(
            #"{"iss":"https:\/\/auth.example","sub":"alice","aud":["orders","\u00e9"],"exp":1767225900,"iat":1.5e9,"nbf":0,"jti":"t-1","x":{"y":[true,false,null,"\ud83d\ude00"]}}"#
                .utf8)
        let alphabet = Array(#"{}[]:,"\\/ux0123456789abcdefeE+-.tfn "#.utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xA9, 0xED, 0xF0, 0xFF]
        var random = SeededRandom(seed: 6)
        for _ in 0..<20_000 {
            var bytes = seed
            for _ in 0...(random.next() % 3) {
                let at = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 3 {
                case 0: bytes[at] = random.pick(alphabet)
                case 1: bytes.insert(random.pick(alphabet), at: at)
                default: bytes.remove(at: at)
                }
            }
            Self.agree(bytes)
        }
    }
}
