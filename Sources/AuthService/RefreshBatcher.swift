import Dispatch
import Foundation
import SessionCore

/// Group commit for refresh rotations: presentations that arrive while a batch is being
/// written wait and go together in the next one (`SessionStore.rotateRefreshTokens`), so a
/// busy service writes one transaction per batch instead of one per request. An idle
/// service adds no delay: the first presentation starts a batch at once. A response is sent
/// only after its batch has committed, so nothing acknowledged can be lost.
final class RefreshBatcher: @unchecked Sendable {
    typealias Outcome = Result<RefreshOutcome, StoreError>

    private let lock = NSLock()
    private var pending: [(request: RefreshPresentation, continuation: CheckedContinuation<Outcome, Never>)] = []
    private var draining = false
    private let store: any SessionStore
    private let queue = DispatchQueue(label: "sessiond.rotations")
    private let maxBatch: Int

    init(store: any SessionStore, maxBatch: Int = 128) {
        self.store = store
        self.maxBatch = maxBatch
    }

    /// The outcome of one presentation, committed.
    func rotate(_ request: RefreshPresentation) async -> Outcome {
        await withCheckedContinuation { continuation in
            let startDrainer: Bool = lock.withLock {
                pending.append((request, continuation))
                if draining { return false }
                draining = true
                return true
            }
            if startDrainer { queue.async { self.drain() } }
        }
    }

    /// Writes batches until nothing is pending.
    private func drain() {
        while true {
            let batch: [(request: RefreshPresentation, continuation: CheckedContinuation<Outcome, Never>)] = lock.withLock {
                guard !pending.isEmpty else {
                    draining = false
                    return []
                }
                let taken = Array(pending.prefix(maxBatch))
                pending.removeFirst(taken.count)
                return taken
            }
            if batch.isEmpty { return }
            let results: [Outcome]
            do {
                results = try store.rotateRefreshTokens(batch.map(\.request))
            } catch {
                results = Array(repeating: .failure(error), count: batch.count)
            }
            for (item, result) in zip(batch, results) { item.continuation.resume(returning: result) }
        }
    }
}
