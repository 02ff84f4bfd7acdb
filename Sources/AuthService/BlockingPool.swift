import Dispatch

/// Runs blocking work (SQLite calls, scrypt) off the server's event loops, at most
/// `width` jobs at once; callers suspend instead of blocking a loop.
final class BlockingPool: Sendable {
    private let queue: DispatchQueue
    private let slots: DispatchSemaphore

    init(label: String, width: Int) {
        queue = DispatchQueue(label: label, attributes: .concurrent)
        slots = DispatchSemaphore(value: width)
    }

    /// `body`'s result, computed on the pool.
    func run<T: Sendable, E: Error>(_ body: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            queue.async { [slots] in
                slots.wait()
                defer { slots.signal() }
                continuation.resume(returning: Result { () throws(E) -> T in try body() })
            }
        }
        return try result.get()
    }
}
