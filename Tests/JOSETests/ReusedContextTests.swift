import Testing
import SessionDemo
@testable import JOSE

/// Keys keep prepared OpenSSL contexts (HMAC pools, per-key signing and verifying contexts) and
/// reuse them across operations. Nothing may carry over: a failed verify must not poison the
/// next one, one key's context must never serve another key, and threads must not share state.
@Suite("Reused contexts never leak between keys, threads or failures")
struct ReusedContextTests {
    static let algorithms: [JWSAlgorithm] = [.hs256, .hs512, .rs256, .ps256, .es256, .es384, .edDSA]

    /// One step of a sequence: a token, the keys offered, and whether it must verify.
    struct Step: Sendable {
        let token: String
        let keys: [JWSKey]
        let accepted: Bool
    }

    /// A seeded mix of good tokens, tokens under the other key's kid, flipped and truncated
    /// signatures, and tokens offered only the wrong key, for two keys of `algorithm`.
    static func steps(_ algorithm: JWSAlgorithm, count: Int, seed: UInt64) throws -> [Step] {
        let mine = Support.key(algorithm)
        let other = Support.otherKey(algorithm)
        let good = [try JWSSigner.sign(Support.claims(), key: mine), try JWSSigner.sign(Support.claims(), key: other)]
        // The other key's signature under my kid: the right context must refuse it.
        let impostor = try JWSKey(material: other.material, algorithm: algorithm, kid: mine.kid)
        let forged = try JWSSigner.sign(Support.claims(), key: impostor)
        var generator = SeededRandom(seed: seed)
        return (0..<count).map { _ in
            switch Int.random(in: 0..<6, using: &generator) {
            case 0: return Step(token: good[0], keys: [mine, other], accepted: true)
            case 1: return Step(token: good[1], keys: [mine, other], accepted: true)
            case 2: return Step(token: forged, keys: [mine], accepted: false)
            case 3: return Step(token: good[0], keys: [other], accepted: false)
            case 4:
                var bytes = Array(good[0].utf8)
                let index = bytes.count - 1 - Int.random(in: 0..<8, using: &generator)
                bytes[index] = bytes[index] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
                return Step(token: String(decoding: bytes, as: UTF8.self), keys: [mine, other], accepted: false)
            default:
                return Step(token: String(good[1].dropLast(Int.random(in: 1..<5, using: &generator))), keys: [mine, other], accepted: false)
            }
        }
    }

    static func accepted(_ step: Step) -> Bool { Support.rejection(step.token, keys: step.keys) == nil }

    @Test("a verify right after a failed one decides exactly as it would alone", arguments: algorithms)
    func afterFailure(_ algorithm: JWSAlgorithm) throws {
        let steps = try Self.steps(algorithm, count: algorithm.isAsymmetric ? 300 : 3_000, seed: 0x5EED)
        let wrong = steps.enumerated().filter { Self.accepted($0.element) != $0.element.accepted }.map(\.offset)
        let wrongCount = wrong.count
        #expect(wrongCount == 0, "steps decided wrongly, first: \(wrong.prefix(10))")
        #expect(steps.contains { $0.accepted } && steps.contains { !$0.accepted })
    }

    @Test("four threads, each on its own mix of keys and failures, all decide correctly")
    func concurrentKeys() async throws {
        let work = try Self.algorithms.enumerated().map { index, algorithm in
            try Self.steps(algorithm, count: algorithm.isAsymmetric ? 150 : 1_500, seed: UInt64(index + 1))
        }
        let wrong = await withTaskGroup(of: Int.self) { group in
            for task in 0..<4 {
                group.addTask {
                    var wrong = 0
                    // Each task walks every algorithm's steps from a different start, so the same
                    // keys are verified from several threads at once, interleaved with failures.
                    for offset in 0..<work.count {
                        for step in work[(task + offset) % work.count] where Self.accepted(step) != step.accepted { wrong += 1 }
                    }
                    return wrong
                }
            }
            return await group.reduce(0, +)
        }
        #expect(wrong == 0)
    }

    @Test("signing with reused contexts still gives tokens that verify, interleaved across keys and threads")
    func concurrentSigning() async throws {
        let wrong = await withTaskGroup(of: Int.self) { group in
            for task in 0..<4 {
                group.addTask {
                    var wrong = 0
                    for round in 0..<40 {
                        let algorithm = Self.algorithms[(task + round) % Self.algorithms.count]
                        let key = round % 2 == 0 ? Support.key(algorithm) : Support.otherKey(algorithm)
                        let claims = Support.claims(["jti": .string("t-\(task)-\(round)")])
                        guard let token = try? JWSSigner.sign(claims, key: key) else { wrong += 1; continue }
                        if Support.rejection(token, keys: [key]) != nil { wrong += 1 }
                        let other = round % 2 == 0 ? Support.otherKey(algorithm) : Support.key(algorithm)
                        let impostor = try? JWSKey(material: other.material, algorithm: algorithm, kid: key.kid)
                        if let impostor, Support.rejection(token, keys: [impostor]) == nil { wrong += 1 }
                    }
                    return wrong
                }
            }
            return await group.reduce(0, +)
        }
        #expect(wrong == 0)
    }
}
