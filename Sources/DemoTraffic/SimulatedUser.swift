import Foundation
import SessionCore
import JOSE

/// One simulated person: logs in, calls the API every fraction of a second, refreshes
/// before the access token runs out, sometimes logs out, and — rarely — replays a spent
/// refresh token like a thief would, which the service answers by revoking the session.
struct SimulatedUser: Sendable {
    let name: String
    let password: String
    /// Every sessiond instance: each request goes to one of them, as behind a load balancer.
    let authURLs: [URL]
    let apiURL: URL
    let http: DemoHTTP
    let stats: TrafficStats
    let userAgent: String

    private var authURL: URL { authURLs.randomElement() ?? authURLs[0] }

    func run() async {
        var random = SystemRandomNumberGenerator()
        while !Task.isCancelled {
            let (status, body) = await http.send(
                "POST", authURL.appendingPathComponent("auth/login"),
                json: JSONObject([
                    "username": .string(name), "password": .string(password),
                    "client_id": .string("demo-traffic"),
                ]),
                userAgent: userAgent)
            guard status == 200, var access = body["access_token"]?.stringValue, var refresh = body["refresh_token"]?.stringValue,
                let lifetime = body["expires_in"]?.doubleValue
            else {
                stats.add("login_failed")
                await pause(seconds: 3)
                continue
            }
            stats.add("login")
            var issued = Date()
            var spent: String?
            session: while !Task.isCancelled {
                await pause(seconds: Double.random(in: 0.2...0.8, using: &random))
                let (apiStatus, _) = await http.send("GET", apiURL.appendingPathComponent("api/hello"), bearer: access, userAgent: userAgent)
                if Task.isCancelled { return }
                if apiStatus == 200 {
                    stats.add("api_ok")
                } else {
                    stats.add("api_refused")
                    await pause(seconds: 2)
                    break session
                }
                if Date().timeIntervalSince(issued) > lifetime * 0.6 || Int.random(in: 0..<40, using: &random) == 0 {
                    let (refreshStatus, next) = await http.send(
                        "POST", authURL.appendingPathComponent("auth/refresh"),
                        json: JSONObject(["refresh_token": .string(refresh)]), userAgent: userAgent)
                    guard refreshStatus == 200, let newAccess = next["access_token"]?.stringValue,
                        let newRefresh = next["refresh_token"]?.stringValue
                    else {
                        stats.add("refresh_refused")
                        break session
                    }
                    stats.add("refresh")
                    spent = refresh
                    access = newAccess
                    refresh = newRefresh
                    issued = Date()
                }
                if Int.random(in: 0..<400, using: &random) == 0, let stolen = spent {
                    // A thief replays a spent refresh token: the whole session is revoked.
                    stats.add("theft")
                    _ = await http.send(
                        "POST", authURL.appendingPathComponent("auth/refresh"),
                        json: JSONObject(["refresh_token": .string(stolen)]), userAgent: "curl/8.0 (stolen token)")
                }
                if Int.random(in: 0..<150, using: &random) == 0 {
                    _ = await http.send(
                        "POST", authURL.appendingPathComponent("auth/logout"), json: JSONObject(),
                        bearer: access, userAgent: userAgent)
                    stats.add("logout")
                    await pause(seconds: Double.random(in: 1...4, using: &random))
                    break session
                }
            }
        }
    }

    private func pause(seconds: Double) async {
        try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
    }
}
