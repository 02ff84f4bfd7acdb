import Foundation
import SessionCore
import SessionDemo
import JOSE

/// Runs simulated users against running sessiond instances and a demo-api until cancelled;
/// each request goes to one of the instances, as behind a load balancer.
public struct TrafficSimulator: Sendable {
    public let authURLs: [URL]
    public let apiURL: URL
    /// (name, password) of each simulated user.
    public let users: [(String, String)]
    public let stats = TrafficStats()

    private static let agents = [
        "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0", "Mozilla/5.0 (Macintosh) Safari/605.1.15",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1) Mobile/15E148", "okhttp/4.12.0", "Mozilla/5.0 (Windows NT 10.0) Chrome/131.0",
    ]

    public init(authURLs: [URL], apiURL: URL, users: [(String, String)]) {
        precondition(!authURLs.isEmpty, "at least one sessiond")
        self.authURLs = authURLs
        self.apiURL = apiURL
        self.users = users
    }

    /// Runs every user concurrently until the calling task is cancelled.
    public func run() async {
        let http = DemoHTTP()
        await withTaskGroup(of: Void.self) { group in
            for (index, (name, password)) in users.enumerated() {
                let user = SimulatedUser(
                    name: name, password: password, authURLs: authURLs, apiURL: apiURL, http: http,
                    stats: stats, userAgent: Self.agents[index % Self.agents.count])
                group.addTask {
                    try? await Task.sleep(for: .milliseconds(index * 150))
                    await user.run()
                }
            }
        }
    }

    /// The simulated users' names: `traffic.user01` … (password `DemoSeeder.password`).
    public static func userNames(count: Int) -> [String] {
        (1...max(count, 1)).map { "traffic.user" + String($0).leftPadded(2, with: "0") }
    }

    /// Adds the simulated users a store lacks (cheap scrypt: they are demo accounts).
    public static func ensureUsers(_ names: [String], store: any SessionStore, now: Double) throws(StoreError) {
        let hasher = PasswordHasher(logN: 10, r: 8, p: 1)
        for name in names where try store.user(named: name) == nil {
            let hash: String
            do { hash = try hasher.hash(DemoSeeder.password) } catch { throw .unusable("password hashing failed: \(error)") }
            try store.addUser(
                UserRecord(name: name, passwordHash: hash, createdAt: now),
                audit: AuditContext(actor: "demo", reason: "demo traffic user", at: now))
        }
    }
}
