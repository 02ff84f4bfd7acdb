/// One verifier instance as the store remembers it: its last report, who it is (a client id
/// when it authenticated, else only what it reported), where it called from, and when.
public struct VerifierRecord: Sendable, Equatable {
    public var service: String
    public var instance: String
    public var feedSequence: Int64?
    public var kids: [String]
    public var version: String
    /// The client id it authenticated as with client credentials; nil when it only reported.
    public var client: String?
    /// The peer address of its last report.
    public var address: String
    public var firstSeen: Double
    public var lastSeen: Double

    public init(
        service: String, instance: String, feedSequence: Int64?, kids: [String], version: String, client: String?, address: String,
        firstSeen: Double, lastSeen: Double
    ) {
        self.service = service
        self.instance = instance
        self.feedSequence = feedSequence
        self.kids = kids
        self.version = version
        self.client = client
        self.address = address
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }

    /// A record of `report` received at `now` from `address`.
    public init(_ report: VerifierReport, client: String?, address: String, at now: Double) {
        self.init(
            service: report.service, instance: report.instance, feedSequence: report.feedSequence, kids: report.kids, version: report.version,
            client: client.map { UntrustedText.printable($0, limit: 128) }, address: UntrustedText.printable(address, limit: 64), firstSeen: now,
            lastSeen: now)
    }

    /// Identified by service and instance.
    public var key: String { service + "\u{0}" + instance }

    /// "verified" when it authenticated as a client, else "reported".
    public var identity: String { client.map { "verified (\($0))" } ?? "reported" }
}
