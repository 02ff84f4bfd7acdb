import JOSE

/// What a verifier says about itself on every JWKS fetch and feed poll, in the
/// `Verifier-Report` header: its service and instance, the last feed sequence it applied, the
/// kids it holds and its library version.
///
/// Untrusted data: decoding bounds every field (lengths, at most `maxKids` kids, the header at
/// most `maxHeaderBytes`) and strips control and formatting characters, and nothing here is
/// ever used for a security decision — only shown.
public struct VerifierReport: Sendable, Equatable {
    public static let headerName = "Verifier-Report"
    public static let maxHeaderBytes = 4_096
    public static let maxKids = 16
    static let maxName = 64
    static let maxInstance = 128
    static let maxKid = 128
    static let maxVersion = 32

    public private(set) var service: String
    public private(set) var instance: String
    /// The last feed sequence applied; nil for a verifier that does not follow the feed.
    public private(set) var feedSequence: Int64?
    public private(set) var kids: [String]
    public private(set) var version: String

    /// A report with every field bounded and printable; nil when the service or instance is
    /// empty once cleaned.
    public init?(service: String, instance: String, feedSequence: Int64?, kids: [String], version: String) {
        self.service = UntrustedText.printable(service, limit: Self.maxName)
        self.instance = UntrustedText.printable(instance, limit: Self.maxInstance)
        guard !self.service.isEmpty, !self.instance.isEmpty else { return nil }
        self.feedSequence = feedSequence.map { max($0, 0) }
        var seen = Set<String>()
        var kept: [String] = []
        for kid in kids where kept.count < Self.maxKids {
            let clean = UntrustedText.printable(kid, limit: Self.maxKid)
            if !clean.isEmpty, seen.insert(clean).inserted { kept.append(clean) }
        }
        self.kids = kept.sorted()
        self.version = UntrustedText.printable(version, limit: Self.maxVersion)
    }

    /// The header value: base64url of a compact JSON object.
    public var headerValue: String {
        var object = JSONObject([
            "service": .string(service), "instance": .string(instance), "version": .string(version),
            "kids": .array(kids.map { .string($0) }),
        ])
        if let feedSequence { object["seq"] = .number(JSONNumber(Int(feedSequence))) }
        return Base64URL.encode(JSONWriter.bytes(object))
    }

    /// Reads a header value; nil when it is over the limit, not base64url of a JSON object, or
    /// lacks a service or instance. Extra members are ignored; kids past `maxKids` dropped.
    public init?(headerValue: String) {
        guard headerValue.utf8.count <= Self.maxHeaderBytes, let bytes = Base64URL.decode(headerValue),
            let object = try? JSONReader.parseObject(bytes, maxDepth: 3),
            case .string(let service)? = object["service"], case .string(let instance)? = object["instance"]
        else { return nil }
        var sequence: Int64?
        if case .number(let number)? = object["seq"] {
            guard let value = Int64(exactly: number.value) else { return nil }
            sequence = value
        }
        var kids: [String] = []
        if case .array(let items)? = object["kids"] {
            for case .string(let kid) in items.prefix(Self.maxKids * 4) { kids.append(kid) }
        }
        var version = ""
        if case .string(let text)? = object["version"] { version = text }
        self.init(service: service, instance: instance, feedSequence: sequence, kids: kids, version: version)
    }
}
