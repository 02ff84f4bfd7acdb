import Foundation
import Testing
@testable import JOSE

/// HMAC through pooled, re-initialised contexts: RFC 4231 values, every time, on any thread.
@Suite("HMAC keys")
struct HMACKeyTests {
    // RFC 4231 §4.3, test case 2.
    static let key = Array("Jefe".utf8)
    static let data = Array("what do ya want for nothing?".utf8)
    static let sha256 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    static let sha512 = "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"

    @Test("RFC 4231 test case 2, again and again through reused contexts")
    func vectors() throws {
        let mac256 = try HMACKey(secret: Self.key, hash: .sha256)
        let mac512 = try HMACKey(secret: Self.key, hash: .sha512)
        for _ in 0..<50 {
            #expect(mac256.mac(Self.data).hexString == Self.sha256)
            #expect(mac512.mac(Self.data).hexString == Self.sha512)
        }
    }

    @Test("verify accepts the tag and refuses a flipped bit, a short tag and another input")
    func verify() throws {
        let mac = try HMACKey(secret: Self.key, hash: .sha256)
        var tag = mac.mac(Self.data)
        let data = Self.data
        #expect(tag.withUnsafeBytes { t in data.withUnsafeBytes { mac.verify(t, input: $0) } })
        #expect(!tag.dropLast().withUnsafeBytes { t in data.withUnsafeBytes { mac.verify(UnsafeRawBufferPointer(t), input: $0) } })
        #expect(!tag.withUnsafeBytes { t in Array("other".utf8).withUnsafeBytes { mac.verify(t, input: $0) } })
        tag[31] ^= 1
        #expect(!tag.withUnsafeBytes { t in data.withUnsafeBytes { mac.verify(t, input: $0) } })
    }

    @Test("concurrent MACs on one key all come out right")
    func concurrent() async throws {
        let mac = try HMACKey(secret: Self.key, hash: .sha256)
        let wrong = await withTaskGroup(of: Int.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var wrong = 0
                    for round in 0..<2_000 {
                        let input = Array("message \(task) \(round)".utf8)
                        // The same MAC from a fresh key, which never shares a context.
                        let fresh = round % 100 == 0 ? try? HMACKey(secret: Self.key, hash: .sha256).mac(input) : nil
                        let tag = mac.mac(input)
                        if let fresh, fresh != tag { wrong += 1 }
                        if !tag.withUnsafeBytes({ t in input.withUnsafeBytes { mac.verify(t, input: $0) } }) { wrong += 1 }
                    }
                    return wrong
                }
            }
            return await group.reduce(0, +)
        }
        #expect(wrong == 0)
    }
}
