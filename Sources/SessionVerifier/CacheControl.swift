import Foundation

/// Reading `Cache-Control` (RFC 9111 §5.2).
enum CacheControl {
    /// The `max-age` directive in seconds, or nil; `no-store`/`no-cache` read as 0.
    static func maxAge(_ header: String?) -> Double? {
        guard let header else { return nil }
        for directive in header.split(separator: ",") {
            let parts = directive.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            switch parts.first {
            case "no-store", "no-cache": return 0
            case "max-age":
                guard parts.count == 2, let seconds = Int(parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))),
                    seconds >= 0
                else { return nil }
                return Double(seconds)
            default: continue
            }
        }
        return nil
    }
}
