/// Text from outside (a user agent, a verifier's report) made safe to store and show.
public enum UntrustedText {
    /// `text` without control, format (bidi overrides, zero-width), separator, surrogate,
    /// private-use or unassigned scalars, trimmed of spaces, at most `limit` scalars: what is
    /// left cannot move a terminal's cursor, reorder a line or hide characters.
    public static func printable(_ text: Substring, limit: Int) -> String {
        let kept = text.unicodeScalars.lazy.filter { !$0.properties.generalCategory.isHidden }.prefix(limit)
        return String(String.UnicodeScalarView(kept)).trimmingCharacters(in: " ")
    }

    public static func printable(_ text: String, limit: Int) -> String { printable(text[...], limit: limit) }
}

extension Unicode.GeneralCategory {
    fileprivate var isHidden: Bool {
        switch self {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned: true
        default: false
        }
    }
}

extension String {
    fileprivate func trimmingCharacters(in character: Character) -> String {
        guard let first = firstIndex(where: { $0 != character }), let last = lastIndex(where: { $0 != character }) else { return "" }
        return String(self[first...last])
    }
}
