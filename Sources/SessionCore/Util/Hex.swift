import JOSE

extension Sequence where Element == UInt8 {
    /// Lower-case hexadecimal, two digits a byte: short labels for hashes, never for secrets.
    public var hexString: String { map { String($0, radix: 16).leftPadded(2) }.joined() }
}
