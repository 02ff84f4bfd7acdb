internal import CNCurses
#if canImport(Glibc)
    import Glibc
#endif

/// Terminal column widths of text: wide (East Asian, emoji) characters take two columns,
/// combining marks none. Uses the C library's `wcwidth` under a UTF-8 locale.
public enum DisplayWidth {
    private static let ready: Bool = {
        if setlocale(LC_CTYPE, "C.UTF-8") == nil { _ = setlocale(LC_CTYPE, "") }
        return true
    }()

    /// Columns one character (grapheme cluster) occupies: 0, 1 or 2.
    public static func of(_ character: Character) -> Int {
        _ = ready
        var width = 0
        for scalar in character.unicodeScalars {
            let value = scalar.value
            if value == 0xFE0F { width = max(width, 2); continue }  // emoji presentation
            if value == 0x200D { continue }  // zero-width joiner
            if value < 0x20 || (0x7F..<0xA0).contains(value) { width = max(width, 1); continue }  // shown escaped
            let w = Int(shim_wcwidth(wchar_t(bitPattern: value)))
            if (0x1F000...0x1FAFF).contains(value) { width = max(width, 2); continue }
            width = max(width, w < 0 ? 1 : w)
        }
        return min(max(width, character.unicodeScalars.isEmpty ? 0 : (width == 0 ? 0 : 1)), 2)
    }

    /// Columns a string occupies.
    public static func of(_ text: String) -> Int { text.reduce(0) { $0 + of($1) } }

    /// The longest prefix of `text` fitting `columns`, with "…" when cut (if `ellipsis`).
    public static func truncate(_ text: String, to columns: Int, ellipsis: Bool = true) -> String {
        guard columns > 0 else { return "" }
        if of(text) <= columns { return text }
        var out = ""
        var used = 0
        let limit = ellipsis ? columns - 1 : columns
        for character in text {
            let w = of(character)
            if used + w > limit { break }
            out.append(character)
            used += w
        }
        return ellipsis ? out + "…" : out
    }

    /// `text` truncated or padded with spaces to exactly `columns`.
    public static func pad(_ text: String, to columns: Int) -> String {
        let cut = truncate(text, to: columns)
        return cut + String(repeating: " ", count: max(0, columns - of(cut)))
    }
}
