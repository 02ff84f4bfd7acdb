internal import COpenSSL

/// A failure inside OpenSSL, with OpenSSL's error queue drained into the message.
public struct CryptoError: Error, Sendable, CustomStringConvertible {
    /// What we were doing, and what OpenSSL said.
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }

    /// Builds an error for `operation`, draining (and so clearing) OpenSSL's error queue
    /// for this thread.
    package static func openSSL(_ operation: String) -> CryptoError {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            let text = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            if reasons.count < 3 { reasons.append(text) }
        }
        return CryptoError(reasons.isEmpty ? operation : "\(operation): \(reasons.joined(separator: "; "))")
    }

    /// Clears OpenSSL's error queue after an expected failure (a signature that does not
    /// verify), so a later error report is not polluted by it.
    package static func clearQueue() { ERR_clear_error() }
}
