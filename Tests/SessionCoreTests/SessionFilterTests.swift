import SessionCore
import Testing

/// The filter language, pure: what each term means, where a bad one is wrong, how the terms
/// split into what indexes answer and what is checked on the rows.
@Suite("SessionFilter")
struct SessionFilterTests {
    typealias Term = SessionFilter.Term

    @Test("terms, in table form: text → terms")
    func parse() throws {
        let rows: [(String, [Term])] = [
            ("user:al", [Term(.prefix(.user, "al"))]),
            ("user:=alice", [Term(.exact(.user, "alice"))]),
            ("agent:~firefox", [Term(.substring(.agent, "firefox"))]),
            ("-client:cli", [Term(.prefix(.client, "cli"), negated: true)]),
            ("ip:203.0.113.0/24", [Term(.network(IPNetwork("203.0.113.0/24")!))]),
            ("ip:2001:db8::/32", [Term(.network(IPNetwork("2001:db8::/32")!))]),
            ("ip:2001:db8::", [Term(.prefix(.ip, "2001:db8::"))]),
            (
                "created>2h seen<10m expires<1d",
                [
                    Term(.age(.created, older: true, seconds: 7_200)), Term(.age(.seen, older: false, seconds: 600)),
                    Term(.age(.expires, older: false, seconds: 86_400)),
                ]
            ),
            ("state:active  bob", [Term(.state(.active)), Term(.text("bob"))]),
            ("-state:revoked", [Term(.state(.revoked), negated: true)]),
            ("USER:Al ID:=AbC", [Term(.prefix(.user, "Al")), Term(.exact(.id, "AbC"))]),
            ("-", [Term(.text("-"))]),
            ("", []),
        ]
        for (text, terms) in rows {
            #expect(try SessionFilter.parse(text).terms == terms, "\(text)")
        }
    }

    @Test("a malformed term says what is wrong and at which column")
    func errors() {
        let rows: [(String, Int, String)] = [
            ("usr:alice", 1, "unknown field \"usr\" (user, ip, client, agent, id, state, created, seen, expires)"),
            ("state:active created>2x", 14, "\"2x\" is not a duration (like 30s, 10m, 2h, 1d, 1w)"),
            ("user:bob ip:203.0.113.0/33", 10, "\"203.0.113.0/33\" is not a network (like 203.0.113.0/24 or 2001:db8::/32)"),
            ("state:gone", 1, "state is active, revoked or expired"),
            ("user>2h", 1, "\"user\" cannot be compared with < or > (times: created, seen, expires)"),
            ("created:2h", 1, "created takes < or >, like created<2h"),
            ("a  user:", 4, "user: needs a value"),
            ("seen<-5m", 1, "\"-5m\" is not a duration (like 30s, 10m, 2h, 1d, 1w)"),
            ("seen<99999999w", 1, "\"99999999w\" is not a duration (like 30s, 10m, 2h, 1d, 1w)"),
        ]
        for (text, column, message) in rows {
            #expect(throws: SessionFilter.ParseError(column: column, message: message), "\(text)") { try SessionFilter.parse(text) }
        }
    }

    @Test("the split: index-backed conditions and bounds, the rest residual")
    func split() throws {
        let now = 1_000_000.0
        let query = try SessionFilter.parse("user:al -client:cli ip:203.0.112.0/20 created<1h -expires<1d state:active bob agent:~fox").query(
            limit: 9, now: now)
        #expect(query.conditions == [TextCondition(.user, "al"), TextCondition(.ip, "203.0.")])
        #expect(query.timeBounds == [TimeBound(.created, after: true, now - 3_600), TimeBound(.expires, after: true, now + 86_400)])
        #expect(query.state == .active && query.text == "bob" && query.limit == 9)
        #expect(query.residual.count == 3)
        let aligned = try SessionFilter.parse("ip:203.0.113.0/24 ip:198.51.100.7/32").query(limit: 9, now: now)
        #expect(aligned.conditions == [TextCondition(.ip, "203.0.113."), TextCondition(.ip, "198.51.100.7", exact: true)] && aligned.residual.isEmpty)
        #expect(try SessionFilter.parse("user:al state:active").scanNote == nil)
        #expect(try SessionFilter.parse("user:~al").scanNote?.contains("at most") == true)
    }

    @Test("networks by bits: every spelling of an address, both families, any prefix length")
    func networks() {
        let rows: [(String, String, Bool)] = [
            ("203.0.113.0/24", "203.0.113.7", true), ("203.0.113.0/24", "203.0.114.7", false), ("203.0.112.0/20", "203.0.127.255", true),
            ("203.0.112.0/20", "203.0.128.0", false), ("0.0.0.0/0", "8.8.8.8", true), ("10.0.0.1/32", "10.0.0.1", true),
            ("10.0.0.1/32", "10.0.0.10", false), ("2001:db8::/32", "2001:db8::6", true), ("2001:db8::/32", "2001:0db8:0000::6", true),
            ("2001:db8::/32", "2001:db9::6", false), ("2001:db8::/32", "203.0.113.7", false), ("203.0.113.0/24", "::ffff:203.0.113.7", false),
            ("2001:db8:8000::/33", "2001:db8:8000::1", true), ("2001:db8:8000::/33", "2001:db8:7fff::1", false), ("203.0.113.0/24", "garbage", false),
        ]
        for (network, address, expected) in rows {
            #expect(IPNetwork(network)?.contains(address) == expected, "\(network) ∋ \(address)")
        }
        #expect(IPNetwork("203.0.113.0/24")?.textPrefix == "203.0.113." && IPNetwork("2001:db8::/32")?.textPrefix == nil)
        #expect(IPNetwork("203.0.113.0/24")?.description == "203.0.113.0/24")
        for bad in ["203.0.113.0", "203.0.113.0/", "/24", "203.0.113/24", "1.2.3.4/-1", "::/129", "a::b::c/64"] { #expect(IPNetwork(bad) == nil, "\(bad)") }
    }
}
