import Foundation

import JOSE

/// Everything a session query matches, written out for an incident ticket or a report:
/// `sessionctl sessions list --format csv|json|ndjson` and the console's `:export`.
///
/// Guarantees: only the public fields `sessions list --json` prints (never a token or a
/// hash); pages of `pageSize` rows in listing order, each an indexed keyset query, so a
/// million rows stream in bounded memory; text fields stripped of control and invisible
/// characters, and in CSV a cell that a spreadsheet would run as a formula (`=`, `+`, `-`,
/// `@`, tab) is prefixed with `'`.
public enum SessionExport {
    /// The written form.
    public enum Format: String, Sendable, CaseIterable {
        case csv, json, ndjson

        /// The format named by a file's extension (`.csv`, `.json`, `.ndjson`/`.jsonl`).
        public init?(path: String) {
            let lower = path.lowercased()
            if lower.hasSuffix(".csv") {
                self = .csv
            } else if lower.hasSuffix(".ndjson") || lower.hasSuffix(".jsonl") {
                self = .ndjson
            } else if lower
                .hasSuffix(".json")
            {
                self = .json
            } else {
                return nil
            }
        }
    }

    /// Rows per store read.
    public static let pageSize = 1_000

    /// The CSV columns, in order: the keys of `SessionRecord.json`.
    public static let columns = [
        "id", "user", "state", "created_at", "last_used_at", "expires_at", "absolute_expires_at", "client", "ip", "user_agent", "rotations",
        "revoked_at", "revoke_reason", "revoked_by",
    ]

    /// Writes every session `query` matches (its `limit` is the page size, not a cap; `cap`
    /// is) to `write` in `format`, calling `progress` with the count after each page;
    /// returns how many were written.
    @discardableResult
    public static func run(
        _ query: SessionQuery, in store: any SessionStore, now: Double, format: Format, cap: Int = .max,
        write: (String) throws(StoreError) -> Void, progress: (Int) -> Void = { _ in }
    ) throws(StoreError) -> Int {
        var page = query
        page.after = nil
        page.before = nil
        page.from = nil
        page.oldest = false
        var count = 0
        switch format {
        case .csv: try write(columns.joined(separator: ",") + "\r\n")
        case .json: try write("[")
        case .ndjson: break
        }
        while count < cap {
            page.limit = min(pageSize, cap - count)
            let rows = try SessionSearch.sessions(page, in: store, now: now, bounded: false)
            var chunk = ""
            for row in rows {
                switch format {
                case .csv: chunk += csvLine(row, now: now)
                case .json: chunk += (count == 0 ? "\n  " : ",\n  ") + JSONWriter.string(.object(publicJSON(row, now: now)))
                case .ndjson: chunk += JSONWriter.string(.object(publicJSON(row, now: now))) + "\n"
                }
                count += 1
            }
            if !chunk.isEmpty { try write(chunk) }
            progress(count)
            guard rows.count == page.limit, let last = rows.last else { break }
            page.after = SessionCursor(last, sort: page.sort, now: now)
        }
        if format == .json { try write(count == 0 ? "]\n" : "\n]\n") }
        return count
    }

    /// `SessionRecord.json` with its text fields made printable.
    static func publicJSON(_ session: SessionRecord, now: Double) -> JSONObject {
        var object = JSONObject()
        for (name, value) in session.json(now: now) {
            if case .string(let text) = value { object[name] = .string(UntrustedText.printable(text, limit: 1_024)) } else { object[name] = value }
        }
        return object
    }

    /// One RFC 4180 line (CRLF-terminated) in `columns` order.
    static func csvLine(_ session: SessionRecord, now: Double) -> String {
        let object = publicJSON(session, now: now)
        let cells = columns.map { name -> String in
            guard let value = object[name] else { return "" }
            if case .string(let text) = value { return text }
            return JSONWriter.string(value)
        }
        return cells.map(csvCell).joined(separator: ",") + "\r\n"
    }

    /// A CSV cell: quoted when it holds a comma, quote or line break; a leading formula
    /// character neutralised.
    static func csvCell(_ text: String) -> String {
        var cell = text
        if let first = cell.first, "=+-@\t\r".contains(first) { cell = "'" + cell }
        guard cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return cell }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
