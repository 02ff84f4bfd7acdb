import SessionCore

/// Realistic ingredients for demo data: names, clients, documentation-range addresses and
/// real user-agent strings.
enum DemoData {
    static let firstNames = [
        "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory",
        "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "yuki", "zoe",
        "amara", "bjorn", "chen", "dimitri", "esther", "farah", "giulia", "hamid", "ines", "jonas",
        "kwame", "leila", "mateo", "noor", "oskar", "priya", "quentin", "rosa", "sven", "tomoko",
        "umar", "vera", "wen", "ximena", "yusuf", "zainab", "ana", "björk", "émile", "søren", "李娜", "山田",
    ]
    static let lastNames = [
        "nguyen", "smith", "garcia", "kim", "okafor", "müller", "rossi", "dubois", "silva", "tanaka",
        "kowalski", "novak", "haddad", "johansson", "ivanova", "patel", "cohen", "obi", "lee", "moreau",
    ]
    static let clients = ["web", "web", "web", "ios", "ios", "android", "android", "cli"]
    static let userAgents: [String: [String]] = [
        "web": [
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
        ],
        "ios": [
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
            "Orders/4.12.0 (iPhone15,2; iOS 18.1; Scale/3.00) 📦",
            "Orders/4.11.3 (iPad13,4; iPadOS 17.6; Scale/2.00)",
        ],
        "android": [
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36",
            "okhttp/4.12.0 Orders/4.12.0 (Android 15; SM-S928B)",
            "Orders/4.10.1 (Android 13; Redmi Note 12) 🚀",
        ],
        "cli": ["orders-cli/2.3.1 (linux; x86_64) go1.23.3", "curl/8.11.0", "python-requests/2.32.3", "HTTPie/3.2.4"],
    ]
    static let revokeReasons = [
        "lost device", "password reset", "suspicious login from new country", "signed out everywhere",
        "employee offboarding", "support ticket #4821",
    ]
    static let admins = ["carol", "trent", "walter"]

    static func ip(_ random: inout SeededRandom) -> String {
        switch random.next() % 10 {
        case 0...2: "192.0.2.\(random.next() % 254 + 1)"
        case 3...5: "198.51.100.\(random.next() % 254 + 1)"
        case 6...8: "203.0.113.\(random.next() % 254 + 1)"
        default: "2001:db8:\(String(random.next() % 0xFFFF, radix: 16))::\(String(random.next() % 0xFFFF, radix: 16))"
        }
    }
}
