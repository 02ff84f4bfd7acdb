import Foundation

/// An IPv4 or IPv6 network (`203.0.113.0/24`, `2001:db8::/32`) and membership of an
/// address in it, by the address's bits (so every spelling of an IPv6 address matches).
public struct IPNetwork: Sendable, Equatable, CustomStringConvertible {
    public let bytes: [UInt8]
    public let prefixLength: Int

    /// Parses `address/length`; nil when either part is malformed or the length is out of
    /// range for the family.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let length = Int(parts[1]), let bytes = Self.parse(String(parts[0])) else { return nil }
        guard (0...(bytes.count * 8)).contains(length), parts[1].allSatisfy(\.isASCII) else { return nil }
        self.bytes = bytes
        prefixLength = length
    }

    /// The address's bytes: 4 for IPv4, 16 for IPv6; nil when it is neither.
    public static func parse(_ address: String) -> [UInt8]? {
        var v4 = in_addr()
        if address.contains("."), !address.contains(":"), inet_pton(AF_INET, address, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if address.contains(":"), inet_pton(AF_INET6, address, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    /// True when `address` (text) is in this network; an unparsable address is not.
    public func contains(_ address: String) -> Bool {
        guard let other = Self.parse(address), other.count == bytes.count else { return false }
        var remaining = prefixLength
        for index in 0..<bytes.count where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if bytes[index] & mask != other[index] & mask { return false }
            remaining -= bits
        }
        return true
    }

    /// For IPv4: the text prefix every member's dotted form starts with (whole octets
    /// only: `203.0.113.` for /24, `203.0.` for /20), for an index to narrow the search;
    /// nil for IPv6 or /0–/7.
    public var textPrefix: String? {
        guard bytes.count == 4, prefixLength >= 8 else { return nil }
        let octets = prefixLength / 8
        return bytes.prefix(octets).map(String.init).joined(separator: ".") + (octets == 4 ? "" : ".")
    }

    public var description: String {
        var copy = bytes
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        _ = inet_ntop(family, &copy, &buffer, socklen_t(buffer.count))
        return String(cString: buffer) + "/\(prefixLength)"
    }
}
