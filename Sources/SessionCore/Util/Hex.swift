extension Sequence where Element == UInt8 {
    /// Lower-case hexadecimal, two digits a byte: short labels for hashes, never for secrets.
    public var hexString: String { map { String($0, radix: 16).leftPadded(2) }.joined() }
}

extension String {
    /// The text padded on the left with `pad` to at least `width` characters.
    public func leftPadded(_ width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
