import Foundation

/// Counters and gauges in the Prometheus text format (version 0.0.4).
public final class ServiceMetrics: @unchecked Sendable {
    /// A metric name and its label pairs flattened as name, value, name, value…: hashing
    /// them is cheap; escaping waits for `render()`.
    private struct Series: Hashable, Comparable {
        let name: String
        let labels: [String]
        static func < (a: Series, b: Series) -> Bool {
            (a.name, a.labels.joined(separator: "\u{0}")) < (b.name, b.labels.joined(separator: "\u{0}"))
        }
    }

    private let lock = NSLock()
    private var counters: [Series: Double] = [:]
    private var gauges: [Series: Double] = [:]
    private let help: [String: (type: String, text: String)] = [
        "sessiond_http_requests_total": ("counter", "HTTP requests by route and status."),
        "sessiond_logins_total": ("counter", "Login attempts by result."),
        "sessiond_refreshes_total": ("counter", "Refresh-token presentations by result."),
        "sessiond_logouts_total": ("counter", "Logouts."),
        "sessiond_oauth_requests_total": ("counter", "Introspection and revocation requests by endpoint and result."),
        "sessiond_signing_key_reloads_total": ("counter", "Times the signing keys changed and were reloaded."),
        "sessiond_revocation_feed_sequence": ("gauge", "Highest revocation sequence number seen."),
        "sessiond_revocation_feed_waiters": ("gauge", "Feed requests waiting for events."),
        "sessiond_published_keys": ("gauge", "Keys in the JWKS."),
        "sessiond_verifiers": ("gauge", "Verifier instances by state (live, silent), as they report themselves."),
        "sessiond_verifier_lag_events": ("gauge", "Feed events the most lagging live instance of a service has not applied."),
        "sessiond_verifier_lag_seconds": ("gauge", "Age of the oldest feed event a live instance of a service has not applied."),
        "sessiond_verifiers_holding_revoked_keys": ("gauge", "Live verifier instances that still report holding a revoked key."),
    ]

    public init() {}

    /// Adds `by` to a counter.
    public func increment(_ name: String, _ labels: [(String, String)] = [], by: Double = 1) {
        let series = Series(name: name, labels: labels.flatMap { [$0.0, $0.1] })
        lock.withLock { counters[series, default: 0] += by }
    }

    /// Sets a gauge.
    public func set(_ name: String, _ value: Double, _ labels: [(String, String)] = []) {
        let series = Series(name: name, labels: labels.flatMap { [$0.0, $0.1] })
        lock.withLock { gauges[series] = value }
    }

    /// Replaces every series of gauge `name` with `series`: for label sets that come and go
    /// (a service that stopped reporting leaves no stale series behind).
    public func replaceGauges(_ name: String, _ series: [(labels: [(String, String)], value: Double)]) {
        lock.withLock {
            gauges = gauges.filter { $0.key.name != name }
            for entry in series { gauges[Series(name: name, labels: entry.labels.flatMap { [$0.0, $0.1] })] = entry.value }
        }
    }

    /// The exposition text.
    public func render() -> String {
        let (c, g) = lock.withLock { (counters, gauges) }
        var out = ""
        var described = Set<String>()
        for (series, value) in c.sorted(by: { $0.key < $1.key }) + g.sorted(by: { $0.key < $1.key }) {
            if described.insert(series.name).inserted, let help = help[series.name] {
                out += "# HELP \(series.name) \(help.text)\n# TYPE \(series.name) \(help.type)\n"
            }
            out += "\(series.name)\(Self.render(series.labels)) \(value == value.rounded() ? String(Int64(value)) : String(value))\n"
        }
        return out
    }

    private static func render(_ flat: [String]) -> String {
        guard !flat.isEmpty else { return "" }
        let labels = stride(from: 0, to: flat.count - 1, by: 2).map { (flat[$0], flat[$0 + 1]) }
        let body = labels.map { name, value in
            let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n")
            return "\(name)=\"\(escaped)\""
        }
        return "{" + body.joined(separator: ",") + "}"
    }
}
