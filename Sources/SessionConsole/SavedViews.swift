import Foundation
import SessionCore

/// A named console view: the filter, the sort order and the columns, restored by `:view NAME`.
public struct SavedView: Sendable, Equatable {
    public var name: String
    public var sort: SessionSort
    public var filter: String
    public var columns: [SessionColumn]

    public init(name: String, sort: SessionSort, filter: String, columns: [SessionColumn] = SessionColumn.defaults) {
        self.name = name
        self.sort = sort
        self.filter = filter
        self.columns = columns
    }
}

/// The saved-views file: one view per line, `NAME sort=SORT columns=A,B,… filter=FILTER
/// TEXT…` (the filter runs to the end of the line; sort and columns may be left out for
/// the defaults), `#` comments and blank lines ignored.
public enum SavedViews {
    /// Why a views file was refused: its line and what is wrong.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public let line: Int
        public let message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// True for a usable name: 1–32 letters, digits, `-`, `_` or `.`.
    public static func isValidName(_ name: String) -> Bool {
        (1...32).contains(name.count) && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }

    /// The views in `text`, in file order; a later line with the same name wins.
    public static func parse(_ text: String) throws(ParseError) -> [SavedView] {
        var views: [SavedView] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let number = index + 1
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            guard isValidName(parts[0]) else {
                throw ParseError(line: number, message: "\"\(parts[0].prefix(40))\" is not a view name (letters, digits, - _ .)")
            }
            var rest = parts.count > 1 ? Substring(parts[1]) : ""
            var sort = SessionSort.created
            var filter: String?
            var columns = SessionColumn.defaults
            while !rest.isEmpty {
                rest = rest.drop { $0 == " " }
                if rest.hasPrefix("filter=") {
                    filter = String(rest.dropFirst("filter=".count)).trimmingCharacters(in: .whitespaces)
                    break
                }
                let word = rest.prefix { $0 != " " }
                rest = rest.dropFirst(word.count)
                if word.hasPrefix("columns=") {
                    switch SessionColumn.parseList(word.dropFirst("columns=".count)) {
                    case .success(let chosen): columns = chosen
                    case .failure(.repeated(let name)): throw ParseError(line: number, message: "column \(name) given twice")
                    case .failure(.unknown(let name)):
                        throw ParseError(
                            line: number,
                            message: "unknown column \"\(name)\" (\(SessionColumn.allCases.map(\.rawValue).joined(separator: ", ")))")
                    }
                    continue
                }
                guard word.hasPrefix("sort=") else {
                    throw ParseError(line: number, message: "expected sort=…, columns=… or filter=…, found \"\(word.prefix(40))\"")
                }
                guard let chosen = SessionSort(rawValue: String(word.dropFirst(5))) else {
                    throw ParseError(
                        line: number,
                        message: "unknown sort \"\(word.dropFirst(5).prefix(40))\" (\(SessionSort.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                sort = chosen
            }
            let view = SavedView(name: parts[0], sort: sort, filter: filter ?? "", columns: columns)
            views.removeAll { $0.name == view.name }
            views.append(view)
        }
        return views
    }

    /// The file text for `views`, which `parse` reads back to the same views.
    public static func render(_ views: [SavedView]) -> String {
        var text = "# sessionctl console views: NAME sort=SORT [columns=A,B,…] filter=FILTER (written by :save)\n"
        for view in views {
            let columns = view.columns == SessionColumn.defaults ? "" : " columns=" + view.columns.map(\.rawValue).joined(separator: ",")
            text += "\(view.name) sort=\(view.sort.rawValue)\(columns) filter=\(view.filter)\n"
        }
        return text
    }
}
