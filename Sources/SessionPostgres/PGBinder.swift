/// Collects statement parameters and hands out their numbers (`$1`, `$2`, …), starting
/// after `offset` when a fragment joins a statement that already has some.
struct PGBinder {
    private(set) var values: [PGValue] = []
    private let offset: Int

    init(offset: Int = 0) { self.offset = offset }

    /// Adds `value`; returns its placeholder.
    mutating func bind(_ value: PGValue) -> String {
        values.append(value)
        return "$\(offset + values.count)"
    }
}
