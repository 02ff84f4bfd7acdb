internal import COpenSSL

/// The SHA-2 hash functions JOSE uses, with their OpenSSL digest fetched once per process.
public enum HashFunction: Int, Sendable, CaseIterable {
    case sha256 = 256, sha384 = 384, sha512 = 512

    /// The digest length in bytes.
    public var byteCount: Int { rawValue / 8 }

    /// OpenSSL's name for the digest.
    var openSSLName: String {
        switch self {
        case .sha256: "SHA256"
        case .sha384: "SHA384"
        case .sha512: "SHA512"
        }
    }

    /// The fetched `EVP_MD`, shared and never freed (it lives as long as the process).
    var md: OpaquePointer { FetchedDigests.shared.md(self) }

    /// The digest of `bytes`.
    public func hash(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { hash(buffer: $0) }
    }

    /// The digest of a string's UTF-8 bytes.
    public func hash(_ text: String) -> [UInt8] { hash(Array(text.utf8)) }

    /// The digest of raw bytes.
    public func hash(buffer input: UnsafeRawBufferPointer) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: byteCount)
        var length: UInt32 = 0
        let ok = out.withUnsafeMutableBufferPointer { output in
            EVP_Digest(input.baseAddress, input.count, output.baseAddress, &length, md, nil)
        }
        precondition(ok == 1 && Int(length) == byteCount, "EVP_Digest failed")
        return out
    }
}

/// `EVP_MD` objects fetched once: fetching per call is OpenSSL 3's slow path.
private final class FetchedDigests: @unchecked Sendable {
    // Immutable after init; EVP_MD objects are safe to share between threads.
    static let shared = FetchedDigests()
    private let digests: [OpaquePointer]

    private init() {
        digests = HashFunction.allCases.map { hash in
            guard let md = EVP_MD_fetch(nil, hash.openSSLName, nil) else {
                fatalError("OpenSSL has no \(hash.openSSLName)")
            }
            return md
        }
    }

    func md(_ hash: HashFunction) -> OpaquePointer {
        switch hash {
        case .sha256: digests[0]
        case .sha384: digests[1]
        case .sha512: digests[2]
        }
    }
}
