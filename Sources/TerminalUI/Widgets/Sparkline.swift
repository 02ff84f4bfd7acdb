/// A row of block characters for a series: the activity picture in the header.
public enum Sparkline {
    static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// `values` squeezed into `width` columns (summing neighbours), scaled to the maximum.
    public static func render(_ values: [Int], width: Int) -> String {
        guard width > 0, !values.isEmpty else { return "" }
        var columns = [Int](repeating: 0, count: min(width, values.count))
        for (index, value) in values.enumerated() { columns[index * columns.count / values.count] += value }
        let peak = max(columns.max() ?? 0, 1)
        return String(columns.map { $0 == 0 ? " " : blocks[min(7, ($0 * 8 - 1) / peak)] })
    }
}
