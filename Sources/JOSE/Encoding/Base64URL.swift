/// Strict base64url (RFC 4648 §5) without padding, as JWS compact serialization requires.
///
/// Decoding is table driven and allocation-light: it never goes through Foundation.
/// It rejects padding, characters outside the URL-safe alphabet, a length of 1 mod 4,
/// and non-canonical encodings whose unused trailing bits are not zero, so every byte
/// string has exactly one accepted encoding.
public enum Base64URL {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// 0xFF marks a byte outside the alphabet.
    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    /// Encodes bytes as unpadded base64url.
    public static func encode<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        String(decoding: encodeBytes(bytes), as: UTF8.self)
    }

    /// Encodes bytes as unpadded base64url, returning the ASCII bytes.
    public static func encodeBytes<Bytes: Collection>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        if let fast = bytes.withContiguousStorageIfAvailable({ encode(buffer: $0) }) { return fast }
        var out = [UInt8]()
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var iterator = bytes.makeIterator()
        alphabet.withUnsafeBufferPointer { table in
            while let b0 = iterator.next() {
                let b1 = iterator.next()
                let b2 = iterator.next()
                out.append(table[Int(b0 >> 2)])
                out.append(table[Int(((b0 & 0x03) << 4) | ((b1 ?? 0) >> 4))])
                guard let b1 else { return }
                out.append(table[Int(((b1 & 0x0F) << 2) | ((b2 ?? 0) >> 6))])
                guard let b2 else { return }
                out.append(table[Int(b2 & 0x3F)])
            }
        }
        return out
    }

    /// Encodes a contiguous buffer: three bytes to four characters, table driven.
    static func encode(buffer input: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        append(input, to: &out)
        return out
    }

    /// Appends the unpadded base64url encoding of `input` to `out`, growing it once.
    static func append(_ input: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        let count = input.count
        let outCount = (count / 3) * 4 + (count % 3 == 0 ? 0 : count % 3 + 1)
        if outCount == 0 { return }
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: outCount))
        alphabet.withUnsafeBufferPointer { table in
            output.withUnsafeMutableBufferPointer { whole in
                let out = UnsafeMutableBufferPointer(rebasing: whole[start...])
                var i = 0
                var o = 0
                while i + 3 <= count {
                    let v = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
                    out[o] = table[Int(v >> 18)]
                    out[o + 1] = table[Int(v >> 12 & 0x3F)]
                    out[o + 2] = table[Int(v >> 6 & 0x3F)]
                    out[o + 3] = table[Int(v & 0x3F)]
                    i += 3
                    o += 4
                }
                if count - i == 1 {
                    out[o] = table[Int(input[i] >> 2)]
                    out[o + 1] = table[Int((input[i] & 0x03) << 4)]
                    o += 2
                } else if count - i == 2 {
                    let v = UInt32(input[i]) << 8 | UInt32(input[i + 1])
                    out[o] = table[Int(v >> 10)]
                    out[o + 1] = table[Int(v >> 4 & 0x3F)]
                    out[o + 2] = table[Int((v & 0x0F) << 2)]
                    o += 3
                }
            }
        }
    }

    /// Decodes strict unpadded base64url; returns nil for any input that is not the
    /// canonical encoding of some byte string.
    public static func decode<Bytes: Collection>(_ text: Bytes) -> [UInt8]? where Bytes.Element == UInt8 {
        if let result = text.withContiguousStorageIfAvailable({ decode(buffer: $0) }) { return result }
        return Array(text).withUnsafeBufferPointer { decode(buffer: $0) }
    }

    /// Decodes strict unpadded base64url from a string.
    public static func decode(_ text: String) -> [UInt8]? {
        var text = text
        return text.withUTF8 { decode(buffer: $0) }
    }

    /// The number of bytes `input` decodes to, or nil when no canonical encoding has its length.
    static func decodedCount(_ count: Int) -> Int? {
        let remainder = count & 3
        if remainder == 1 { return nil }
        return (count / 4) * 3 + (remainder == 0 ? 0 : remainder - 1)
    }

    /// Decodes strict unpadded base64url from raw bytes.
    public static func decode(buffer input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard let outCount = decodedCount(input.count) else { return nil }
        if outCount == 0 { return [] }
        var failed = false
        let out = [UInt8](unsafeUninitializedCapacity: outCount) { out, initialized in
            failed = !decode(input, into: out)
            initialized = failed ? 0 : outCount
        }
        return failed ? nil : out
    }

    /// Decodes strict unpadded base64url into `out`, which holds exactly
    /// `decodedCount(input.count)` bytes; false (with `out` unspecified) for anything that
    /// is not a canonical encoding.
    static func decode(_ input: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        let count = input.count
        let remainder = count & 3
        guard remainder != 1, out.count == (count / 4) * 3 + (remainder == 0 ? 0 : remainder - 1) else { return false }
        return decodeTable.withUnsafeBufferPointer { table -> Bool in
            var i = 0
            var o = 0
            let fullEnd = count - remainder
            while i < fullEnd {
                let a = table[Int(input[i])], b = table[Int(input[i + 1])]
                let c = table[Int(input[i + 2])], d = table[Int(input[i + 3])]
                if (a | b | c | d) & 0xC0 != 0 { return false }
                let v = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                out[o] = UInt8(truncatingIfNeeded: v >> 16)
                out[o + 1] = UInt8(truncatingIfNeeded: v >> 8)
                out[o + 2] = UInt8(truncatingIfNeeded: v)
                i += 4
                o += 3
            }
            if remainder == 0 { return true }
            let a = table[Int(input[i])], b = table[Int(input[i + 1])]
            let c = remainder == 3 ? table[Int(input[i + 2])] : 0
            if (a | b | c) & 0xC0 != 0 { return false }
            if remainder == 2 {
                // 12 bits carry 8: the low 4 bits of b must be zero.
                if b & 0x0F != 0 { return false }
                out[o] = a << 2 | b >> 4
            } else {
                // 18 bits carry 16: the low 2 bits of c must be zero.
                if c & 0x03 != 0 { return false }
                out[o] = a << 2 | b >> 4
                out[o + 1] = (b & 0x0F) << 4 | c >> 2
            }
            return true
        }
    }
}
