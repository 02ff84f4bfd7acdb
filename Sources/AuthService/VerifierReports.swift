import Foundation
import SessionCore

/// Verifier reports on their way to the store. Each `sessiond` remembers what it last wrote
/// per instance and applies `VerifierRegistry.merge` to it first, so an unchanged report costs
/// no store call at all; instances it has not written before are admitted at most
/// `newcomersPerWindow` per `window` seconds, so a flood of made-up names cannot become a
/// flood of writes. Thread-safe.
final class VerifierReports: @unchecked Sendable {
    static let newcomersPerWindow = 50
    static let window: Double = 10
    private let lock = NSLock()
    private var written: [String: VerifierRecord] = [:]
    private var windowStart = -Double.infinity
    private var newcomers = 0

    /// The record to write for `incoming`, or nil when nothing needs writing (or a newcomer
    /// is over the budget). The caller writes it and calls `failed` if the write failed.
    func admit(_ incoming: VerifierRecord) -> VerifierRecord? {
        lock.withLock {
            let known = written[incoming.key]
            if known == nil {
                if incoming.lastSeen - windowStart >= Self.window { (windowStart, newcomers) = (incoming.lastSeen, 0) }
                guard newcomers < Self.newcomersPerWindow else { return nil }
                newcomers += 1
            }
            guard let merged = VerifierRegistry.merge(existing: known, incoming: incoming) else { return nil }
            if written.count >= VerifierRegistry.capacity * 2 {
                written = written.filter { incoming.lastSeen - $0.value.lastSeen < VerifierRegistry.silentAfter }
            }
            written[merged.key] = merged
            return merged
        }
    }

    /// A write of `record` failed: forget it, so the next report tries again.
    func failed(_ record: VerifierRecord) { _ = lock.withLock { written.removeValue(forKey: record.key) } }
}
