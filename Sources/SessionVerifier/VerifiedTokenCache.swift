/// A bounded map from token digest to verified token, evicting the oldest insertion when
/// full. Each entry remembers the denylist generation it was last checked against, so a
/// hit re-checks revocation only when the denylist has changed since. Not thread-safe:
/// `TokenVerifier` holds it under its lock.
struct VerifiedTokenCache {
    struct Entry {
        let token: AccessToken
        /// The `RevocationDenylist.generation` this token was last found unrevoked in.
        var checkedGeneration: UInt64
    }

    private var entries: [TokenDigest: Entry] = [:]
    /// Insertion order, as a ring: `order[next]` is the oldest once the ring is full.
    private var order: [TokenDigest] = []
    private var next = 0
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        entries.reserveCapacity(capacity)
        order.reserveCapacity(capacity)
    }

    subscript(digest: TokenDigest) -> Entry? { entries[digest] }

    mutating func insert(_ token: AccessToken, for digest: TokenDigest, generation: UInt64) {
        guard capacity > 0, entries[digest] == nil else { return }
        if order.count < capacity {
            order.append(digest)
        } else {
            entries[order[next]] = nil
            order[next] = digest
            next = (next + 1) % capacity
        }
        entries[digest] = Entry(token: token, checkedGeneration: generation)
    }

    /// Notes that the token was found unrevoked in denylist `generation`.
    mutating func markChecked(_ digest: TokenDigest, generation: UInt64) {
        entries[digest]?.checkedGeneration = generation
    }

    /// Forgets one token (it expired); its ring slot is reused when it comes round.
    mutating func remove(_ digest: TokenDigest) { entries[digest] = nil }
}
