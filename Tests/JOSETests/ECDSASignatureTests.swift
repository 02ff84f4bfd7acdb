import Testing
import SessionDemo
@testable import JOSE

/// The signer's direct DER reading must give exactly what OpenSSL's parser gives, and
/// refuse (to fall back) anything that is not a minimal SEQUENCE of two positive INTEGERs.
@Suite("ECDSA signature conversion")
struct ECDSASignatureTests {
    @Test("direct DER reading equals OpenSSL's on many signatures of each curve", arguments: [ECCurve.p256, .p384, .p521])
    func agreesWithOpenSSL(_ curve: ECCurve) throws {
        let algorithm = JWSAlgorithm.allCases.first { $0.family == .ecdsa(curve) }!
        let context = try SignatureContext(key: try EVPKey.generateEC(curve), algorithm: algorithm)
        var shortIntegers = 0
        for round in 0..<(curve == .p256 ? 1500 : 200) {
            let der = try Array("message \(round)".utf8).withUnsafeBytes { try context.sign(input: $0) }
            let direct = try #require(ECDSASignature.directRaw(fromDER: der, size: curve.coordinateByteCount))
            #expect(direct == (try ECDSASignature.openSSLRaw(fromDER: der, curve: curve)))
            // The raw form verifies, through the same DER conversion the verifier uses.
            let back = try #require(direct.withUnsafeBytes { ECDSASignature.der(fromRaw: $0, curve: curve) })
            #expect(back == der)
            if direct[0] == 0 || direct[curve.coordinateByteCount] == 0 { shortIntegers += 1 }
        }
        // Integers shorter than the curve size occur (≈ 1 signature in 128) and come out padded.
        if curve == .p256 { #expect(shortIntegers > 0) }
    }

    @Test("refuses what is not a minimal SEQUENCE of two positive INTEGERs, and never traps")
    func refusesOddShapes() {
        let size = 32
        let r = [UInt8](repeating: 0x11, count: 32), s = [UInt8](repeating: 0x22, count: 32)
        let good: [UInt8] = [0x30, 68, 0x02, 32] + r + [0x02, 32] + s
        #expect(ECDSASignature.directRaw(fromDER: good, size: size) == r + s)
        let bad: [[UInt8]] = [
            [], [0x30], [0x31, 68] + Array(good.dropFirst(2)),  // not a SEQUENCE
            Array(good.dropLast()), good + [0],  // truncated, trailing byte
            [0x30, 68, 0x03, 32] + r + [0x02, 32] + s,  // not an INTEGER
            [0x30, 69, 0x02, 33, 0x00] + r + [0x02, 32] + s,  // needless leading zero
            [0x30, 68, 0x02, 32, 0x80] + r.dropFirst() + [0x02, 32] + s,  // negative
            [0x30, 70, 0x02, 34, 0x00, 0x80] + r + [0x02, 32] + s,  // longer than the curve
            [0x30, 0x81, 68, 0x02, 32] + r + [0x02, 32] + s,  // non-minimal length
            [0x30, 36, 0x02, 32] + r + [0x02, 0],  // empty INTEGER
        ]
        for der in bad { #expect(ECDSASignature.directRaw(fromDER: der, size: size) == nil, "\(der.prefix(6))") }
        var random = SeededRandom(seed: 11)
        for _ in 0..<20_000 {
            var der = good
            for _ in 0...(random.next() % 4) { der[Int(random.next() % UInt64(der.count))] = UInt8(truncatingIfNeeded: random.next()) }
            if let raw = ECDSASignature.directRaw(fromDER: der, size: size) { #expect(raw.count == 64) }
        }
    }
}
