import Foundation

/// Operations per second of `body`, best of `rounds` rounds of about `seconds` each (best-of
/// is the fairest figure on a shared, noisy machine; both sides of a ratio get the same).
func opsPerSecond(rounds: Int = 5, seconds: Double = 0.25, _ body: () throws -> Void) rethrows -> Double {
    var batch = 1
    // Calibrate a batch to about 5 ms.
    while true {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<batch { try body() }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if elapsed > 0.005 || batch > 1 << 24 { break }
        batch *= 2
    }
    var best = 0.0
    for _ in 0..<rounds {
        var done = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        while elapsed < seconds {
            for _ in 0..<batch { try body() }
            done += batch
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        best = max(best, Double(done) / elapsed)
    }
    return best
}

/// The async variant, for jwt-kit's actor-based API.
func opsPerSecondAsync(rounds: Int = 5, seconds: Double = 0.25, _ body: () async throws -> Void) async rethrows -> Double {
    var best = 0.0
    for _ in 0..<rounds {
        var done = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        while elapsed < seconds {
            for _ in 0..<64 { try await body() }
            done += 64
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        best = max(best, Double(done) / elapsed)
    }
    return best
}

/// `body` run on `threads` threads at once: total operations per second.
func opsPerSecondParallel(threads: Int, seconds: Double = 0.5, rounds: Int = 3, _ body: @escaping @Sendable () -> Void) -> Double {
    var best = 0.0
    for _ in 0..<rounds {
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: threads)
        counts.initialize(repeating: 0)
        let start = DispatchTime.now().uptimeNanoseconds
        nonisolated(unsafe) let shared = counts
        DispatchQueue.concurrentPerform(iterations: threads) { index in
            var done = 0
            while Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 < seconds {
                for _ in 0..<256 { body() }
                done += 256
            }
            shared[index] = done
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        best = max(best, Double(counts.reduce(0, +)) / elapsed)
        counts.deallocate()
    }
    return best
}

/// Percentile of durations (seconds), `p` in 0…100.
func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    return sorted[min(sorted.count - 1, Int((p / 100 * Double(sorted.count - 1)).rounded()))]
}

/// Resident memory of this process in MB (VmRSS).
func residentMegabytes() -> Double {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
        let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
    else { return 0 }
    return kb / 1024
}

/// A Markdown table row.
func row(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |" }

func rate(_ value: Double) -> String {
    if value >= 1_000_000 { return String(format: "%.2f M/s", value / 1_000_000) }
    if value >= 1000 { return String(format: "%.1f k/s", value / 1000) }
    return String(format: "%.0f /s", value)
}

func ratio(_ a: Double, _ b: Double) -> String { String(format: "%.2f×", a / b) }

func verdict(_ value: Double, atLeast target: Double) -> String { value >= target ? "met" : "**missed**" }
