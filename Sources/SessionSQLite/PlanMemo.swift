import Foundation

/// Remembers, for a few seconds, whether a filter clause matched few rows: a bulk pass asks
/// the same question (same clause, same bound values) for every page of 200, and counting
/// up to `rareBound` rows again each time cost more than reading the page. A stale answer
/// only changes which index is walked, never which rows match.
struct PlanMemo {
    /// How long an answer stands.
    static let lifetime: Double = 2
    /// Answers kept at most; all are dropped when full.
    static let capacity = 64

    private var answers: [String: (rare: Bool, at: Double)] = [:]

    /// The remembered answer for `clause` with `values`, or `count()`'s, remembered.
    mutating func rare(_ clause: String, _ values: [SQLiteStatement.Value], count: () throws -> Bool) rethrows -> Bool {
        let key = clause + "\u{0}" + values.map { "\($0)" }.joined(separator: "\u{0}")
        let now = ProcessInfo.processInfo.systemUptime
        if let answer = answers[key], now - answer.at < Self.lifetime { return answer.rare }
        let rare = try count()
        if answers.count >= Self.capacity { answers.removeAll() }
        answers[key] = (rare, now)
        return rare
    }
}
