/// A bounded map from token digest to verified token, evicting the oldest insertion when
/// full. Not thread-safe: `TokenVerifier` holds it under its lock.
struct VerifiedTokenCache {
    private var entries: [TokenDigest: AccessToken] = [:]
    /// Insertion order, as a ring: `order[next]` is the oldest once the ring is full.
    private var order: [TokenDigest] = []
    private var next = 0
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        entries.reserveCapacity(capacity)
        order.reserveCapacity(capacity)
    }

    var count: Int { entries.count }

    subscript(digest: TokenDigest) -> AccessToken? { entries[digest] }

    mutating func insert(_ token: AccessToken, for digest: TokenDigest) {
        guard capacity > 0, entries[digest] == nil else { return }
        if order.count < capacity {
            order.append(digest)
        } else {
            entries[order[next]] = nil
            order[next] = digest
            next = (next + 1) % capacity
        }
        entries[digest] = token
    }

    /// Forgets one token (it expired); its ring slot is reused when it comes round.
    mutating func remove(_ digest: TokenDigest) { entries[digest] = nil }
}
