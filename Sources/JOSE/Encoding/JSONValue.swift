/// A JSON value as the strict JOSE reader produces it.
///
/// Objects keep their members in document order (no duplicates: the reader refuses them),
/// and numbers keep their exact source text beside the parsed `Double`, so re-serialising
/// a claim set never changes a large integer or a fraction.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The string, if this is a string.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The number as a `Double`, if this is a number.
    public var doubleValue: Double? {
        if case .number(let n) = self { return n.value }
        return nil
    }

    /// The object, if this is an object.
    public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// The elements, if this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The boolean, if this is a boolean.
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }
}

/// A JSON number: its source text (or shortest round-trip text) and its `Double` value.
public struct JSONNumber: Sendable, Equatable {
    /// The number as written in JSON.
    public let text: String
    /// The number's value; always finite.
    public let value: Double

    /// A number from its JSON text, which the caller guarantees is a valid JSON number.
    init(text: String, value: Double) {
        self.text = text
        self.value = value
    }

    /// An integer number.
    public init(_ value: Int) {
        self.text = String(value)
        self.value = Double(value)
    }

    /// A finite floating-point number; integral values are written without a fraction.
    public init(_ value: Double) {
        precondition(value.isFinite, "JSON numbers are finite")
        if value == value.rounded(), abs(value) < 9.007_199_254_740_992e15 {
            self.text = String(Int64(value))
        } else {
            self.text = "\(value)"
        }
        self.value = value
    }

    public static func == (lhs: JSONNumber, rhs: JSONNumber) -> Bool { lhs.value == rhs.value }
}

/// A JSON object with members in document order and unique names.
public struct JSONObject: Sendable, Equatable, Sequence {
    /// The members, in order.
    public private(set) var members: [(name: String, value: JSONValue)]

    /// An empty object.
    public init() { members = [] }

    /// An object from members whose names the caller guarantees are unique.
    init(uniqueMembers: [(name: String, value: JSONValue)]) { members = uniqueMembers }

    /// An object from name/value pairs; a later pair replaces an earlier one of the same name.
    public init(_ pairs: KeyValuePairs<String, JSONValue>) {
        members = []
        for (name, value) in pairs { self[name] = value }
    }

    /// The member named `name`, or nil. Setting nil removes it; setting a new name appends it.
    public subscript(name: String) -> JSONValue? {
        get {
            for member in members where member.name == name { return member.value }
            return nil
        }
        set {
            if let index = members.firstIndex(where: { $0.name == name }) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.append((name, newValue))
            }
        }
    }

    /// The member names, in order.
    public var names: [String] { members.map(\.name) }

    /// The number of members.
    public var count: Int { members.count }

    public func makeIterator() -> IndexingIterator<[(name: String, value: JSONValue)]> {
        members.makeIterator()
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.members.count == rhs.members.count else { return false }
        for member in lhs.members where rhs[member.name] != member.value { return false }
        return true
    }
}
