import JOSE

/// One answer of `GET /revocations?after=N`: `{"events":[…],"next":N}`.
public struct RevocationFeedPage: Sendable {
    public var events: [RevocationEvent]
    public var next: Int64

    public init(events: [RevocationEvent], next: Int64) {
        self.events = events
        self.next = next
    }

    /// Parses a page strictly, or nil: one malformed event fails the whole page, so a
    /// follower never advances past an event it could not apply.
    public init?(body: [UInt8]) {
        guard let object = try? JSONReader.parseObject(body),
            case .array(let items)? = object["events"],
            let next = object["next"]?.doubleValue.flatMap({ Int64(exactly: $0) }), next >= 0
        else { return nil }
        var events: [RevocationEvent] = []
        for item in items {
            guard let member = item.objectValue, let event = RevocationEvent(json: member) else { return nil }
            events.append(event)
        }
        self.init(events: events, next: next)
    }

    /// The JSON the service sends.
    public var json: JSONObject {
        JSONObject(["events": .array(events.map { .object($0.json) }), "next": .number(JSONNumber(Int(next)))])
    }
}
