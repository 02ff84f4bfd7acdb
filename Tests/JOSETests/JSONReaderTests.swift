import Testing
@testable import JOSE

@Suite("Strict JSON reader")
struct JSONReaderTests {
    @Test("reads objects, arrays, strings with escapes, numbers and literals")
    func reads() throws {
        let value = try JSONReader.parse(#" {"a": [1, -2.5e3, true, false, null], "b\u00e9": "x\"\\\/\b\f\n\r\t\ud83d\ude00", "c": {}} "#)
        let object = try #require(value.objectValue)
        #expect(object.names == ["a", "bé", "c"])
        #expect(object["a"]?.arrayValue?.count == 5)
        #expect(object["a"]?.arrayValue?[1].doubleValue == -2500)
        #expect(object["bé"]?.stringValue == "x\"\\/\u{8}\u{c}\n\r\t😀")
    }

    @Test("keeps the exact text of numbers when writing back")
    func numbers() throws {
        let text = #"{"big":12345678901234567890,"frac":0.10000000000000001,"exp":1E+2}"#
        let object = try JSONReader.parseObject(Array(text.utf8))
        #expect(JSONWriter.string(object) == text)
    }

    @Test(
        "refuses duplicate member names, also when they differ only in escaping",
        arguments: [#"{"a":1,"a":2}"#, #"{"a":1,"\u0061":2}"#, #"{"x":{"k":1,"k":1}}"#, #"{"é":1,"\u00e9":2}"#])
    func duplicates(_ text: String) {
        #expect(throws: JSONError.self) { try JSONReader.parse(text) }
    }

    @Test("accepts nesting to 32 levels and refuses 33")
    func depth() throws {
        let ok = String(repeating: "[", count: 31) + "{}" + String(repeating: "]", count: 31)
        _ = try JSONReader.parse(ok)
        let deep = String(repeating: "[", count: 32) + "{}" + String(repeating: "]", count: 32)
        #expect(throws: JSONError.self) { try JSONReader.parse(deep) }
        let deepObject = String(repeating: #"{"a":"#, count: 33) + "1" + String(repeating: "}", count: 33)
        #expect(throws: JSONError.self) { try JSONReader.parse(deepObject) }
        // A hostile depth must be refused without exhausting the stack.
        let hostile = String(repeating: "[", count: 100_000)
        #expect(throws: JSONError.self) { try JSONReader.parse(hostile) }
    }

    @Test(
        "refuses invalid UTF-8: overlong, surrogates, truncated, past U+10FFFF",
        arguments: [[0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC3], [0xFF], [0x80]] as [[UInt8]])
    func invalidUTF8(_ bytes: [UInt8]) {
        let text: [UInt8] = Array(#"{"a":""#.utf8) + bytes + Array(#""}"#.utf8)
        #expect(throws: JSONError.self) { try JSONReader.parse(text) }
    }

    @Test(
        "refuses malformed JSON",
        arguments: [
            "", " ", "{", "{\"a\"}", "{\"a\":1,}", "[1,]", "{'a':1}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}",
            "{\"a\":-}", "{\"a\":1e}", "{\"a\":tru}", "{\"a\":nul}", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":1e999}",
            "{\"a\":\"\\x\"}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\udc00\"}", "{\"a\":\"\u{1}\"}", "{} {}", "{}x",
            "\u{FEFF}{}", "{\"a\":\"\\u12\"}", "{\"a\" 1}", "{1:2}",
        ])
    func malformed(_ text: String) {
        #expect(throws: JSONError.self) { try JSONReader.parse(text) }
    }

    @Test("refuses every unescaped control character and accepts every other byte, wherever it sits in a long string")
    func controlCharactersEverywhere() throws {
        for offset in 0..<17 {
            let before = Array(String(repeating: "p", count: offset).utf8), after = Array(" and some more plain text".utf8)
            for byte in UInt8(0)..<0x20 {
                let text = Array(#"{"a":""#.utf8) + before + [byte] + after + Array(#""}"#.utf8)
                #expect(throws: JSONError.self, "byte \(byte) at \(offset)") { try JSONReader.parseObject(text) }
            }
            for byte in UInt8(0x20)..<0x80 where byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                let text = Array(#"{"a":""#.utf8) + before + [byte] + after + Array(#""}"#.utf8)
                let value = try JSONReader.parseObject(text)["a"]?.stringValue
                #expect(value.map { Array($0.utf8) } == before + [byte] + after, "byte \(byte) at \(offset)")
            }
            let quoted = Array(#"{"a":""#.utf8) + before + Array(#"\"x\\"#.utf8) + after + Array(#""}"#.utf8)
            #expect(
                try JSONReader.parseObject(quoted)["a"]?.stringValue == String(decoding: before, as: UTF8.self) + "\"x\\"
                    + String(decoding: after, as: UTF8.self))
        }
    }

    @Test("parseObject refuses a top-level value that is not an object", arguments: ["[]", "1", "\"s\"", "null", "true"])
    func notObject(_ text: String) {
        #expect(throws: JSONError.self) { try JSONReader.parseObject(Array(text.utf8)) }
    }

    @Test("writer escapes control characters and round-trips through the reader")
    func writerRoundTrip() throws {
        var object = JSONObject()
        object["s"] = .string("line\nbreak \u{1} \u{7F} \"quoted\" \\ é 😀")
        object["n"] = .number(JSONNumber(42))
        object["a"] = .array([.bool(true), .null, .number(JSONNumber(1.5))])
        for style in [JSONWriter.Style.compact, .pretty, .sortedCompact] {
            let back = try JSONReader.parseObject(JSONWriter.bytes(object, style: style))
            #expect(back == object)
        }
        #expect(JSONWriter.string(object, style: .sortedCompact).hasPrefix(#"{"a":"#))
    }
}
