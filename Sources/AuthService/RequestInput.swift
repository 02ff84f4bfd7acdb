import Foundation
import Hummingbird
import SessionCore
import JOSE

/// Reading requests defensively: sizes first, then types, then syntax; each failure a
/// one-line OAuth error, never a 500.
enum RequestInput {
    /// How much body a request may send, and how long it may take.
    struct BodyLimit: Sendable {
        let bytes: Int
        let seconds: Double
    }

    /// The body, at most `limit.bytes` (413 beyond, checked against `Content-Length` before
    /// reading), arriving within `limit.seconds` of the handler starting (408 otherwise, and
    /// the connection is closed: a client dripping body bytes holds nothing for long).
    static func body(_ request: Request, limit: BodyLimit) async throws(OAuthError) -> [UInt8] {
        let bytes = limit.bytes
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > bytes {
            throw OAuthError(.contentTooLarge, "invalid_request", "request body is over \(bytes) bytes")
        }
        let outcome = await withTaskGroup(of: BodyOutcome.self) { group in
            group.addTask {
                var request = request
                do {
                    var buffer = try await request.collectBody(upTo: bytes)
                    return .read(buffer.readBytes(length: buffer.readableBytes) ?? [])
                } catch {
                    return Task.isCancelled ? .timedOut : .tooLarge
                }
            }
            group.addTask {
                try? await Task.sleep(nanoseconds: UInt64(limit.seconds * 1e9))
                return .timedOut
            }
            let first = await group.next() ?? .timedOut
            group.cancelAll()
            return first
        }
        switch outcome {
        case .read(let body):
            return body
        case .tooLarge:
            throw OAuthError(.contentTooLarge, "invalid_request", "request body is over \(bytes) bytes")
        case .timedOut:
            throw OAuthError(
                .requestTimeout, "invalid_request", "request body did not arrive within \(Int(limit.seconds)) s",
                headers: [.connection: "close"])
        }
    }

    private enum BodyOutcome: Sendable {
        case read([UInt8])
        case tooLarge
        case timedOut
    }

    /// True when `Content-Type` names `type` (parameters such as charset allowed).
    static func contentType(_ request: Request, is type: String) -> Bool {
        guard let value = request.headers[.contentType] else { return false }
        // Bytes, not Foundation: this runs on every request. `type` is lower-case ASCII.
        var media = value.utf8.prefix { $0 != UInt8(ascii: ";") }[...]
        while let last = media.last, last == 0x20 || last == 0x09 { media = media.dropLast() }
        while let first = media.first, first == 0x20 || first == 0x09 { media = media.dropFirst() }
        guard media.count == type.utf8.count else { return false }
        return zip(media, type.utf8).allSatisfy { byte, expected in
            (byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) == expected
        }
    }

    /// A JSON object body for `/auth/*`: 415 unless `application/json`; nil for an empty body
    /// when `allowEmpty` (a cookie-only refresh or logout).
    static func jsonObject(_ request: Request, limit: BodyLimit, allowEmpty: Bool) async throws(OAuthError) -> JSONObject? {
        let bytes = try await body(request, limit: limit)
        if bytes.isEmpty, allowEmpty, request.headers[.contentType] == nil || contentType(request, is: "application/json") {
            return nil
        }
        guard contentType(request, is: "application/json") else {
            throw OAuthError(.unsupportedMediaType, "invalid_request", "Content-Type must be application/json")
        }
        // An empty body that was allowed has returned above.
        if bytes.isEmpty { throw .invalidRequest("a JSON object body is required") }
        do {
            return try JSONReader.parseObject(bytes)
        } catch {
            throw .invalidRequest("body is not a JSON object: \(error)")
        }
    }

    /// An `application/x-www-form-urlencoded` body (the OAuth endpoints): 415 otherwise;
    /// a repeated parameter is refused (RFC 6749 §3.1).
    static func form(_ request: Request, limit: BodyLimit) async throws(OAuthError) -> [String: String] {
        let bytes = try await body(request, limit: limit)
        guard contentType(request, is: "application/x-www-form-urlencoded") else {
            throw OAuthError(.unsupportedMediaType, "invalid_request", "Content-Type must be application/x-www-form-urlencoded")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .invalidRequest("body is not UTF-8") }
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = formDecode(parts[0]), let value = formDecode(parts.count > 1 ? parts[1] : "") else {
                throw .invalidRequest("malformed form encoding")
            }
            guard fields[name] == nil else { throw .invalidRequest("parameter \(JSONWriter.escapeForMessage(name)) is repeated") }
            fields[name] = value
        }
        return fields
    }

    private static func formDecode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    /// A string member: nil when absent; 400 when another type or longer than `maxLength`.
    static func string(_ object: JSONObject?, _ name: String, maxLength: Int = 1024) throws(OAuthError) -> String? {
        guard let value = object?[name] else { return nil }
        if case .null = value { return nil }
        guard case .string(let text) = value else { throw .invalidRequest("\"\(name)\" must be a string") }
        guard text.utf8.count <= maxLength else { throw .invalidRequest("\"\(name)\" is longer than \(maxLength) bytes") }
        return text
    }

    /// A required string member.
    static func requiredString(_ object: JSONObject?, _ name: String, maxLength: Int = 1024) throws(OAuthError) -> String {
        guard let text = try string(object, name, maxLength: maxLength), !text.isEmpty else {
            throw .invalidRequest("\"\(name)\" is required")
        }
        return text
    }

    /// `grant_type`, when given, must name the endpoint's grant (`password` for login,
    /// `refresh_token` for refresh): anything else is `unsupported_grant_type`.
    static func checkGrant(_ object: JSONObject?, expected: String) throws(OAuthError) {
        guard let grant = try string(object, "grant_type", maxLength: 64) else { return }
        guard grant == expected else {
            throw OAuthError(
                .badRequest, "unsupported_grant_type",
                "grant_type \(JSONWriter.escapeForMessage(grant)) is not supported here; use \(expected)")
        }
    }

    /// Cookie mode: `?cookie=1` or `"cookie": true`.
    static func wantsCookie(_ request: Request, _ object: JSONObject?) throws(OAuthError) -> Bool {
        if let flag = request.uri.queryParameters.get("cookie"), flag == "1" || flag == "true" { return true }
        guard let value = object?["cookie"] else { return false }
        guard case .bool(let flag) = value else { throw .invalidRequest("\"cookie\" must be true or false") }
        return flag
    }

    /// A cookie's value from the `Cookie` header(s), or nil.
    static func cookie(_ request: Request, named name: String) -> String? {
        for header in request.headers[values: .cookie] {
            for crumb in header.split(separator: ";") {
                let parts = crumb.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
                    return parts[1].trimmingCharacters(in: .whitespaces)
                }
            }
        }
        return nil
    }

    /// The Bearer token of `Authorization`, or nil.
    static func bearerToken(_ request: Request) -> String? {
        guard let value = request.headers[.authorization] else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return parts[1].trimmingCharacters(in: .whitespaces)
    }

    /// The `User-Agent`, printable and at most 256 characters: it is stored and shown in the console.
    static func userAgent(_ request: Request) -> String {
        UntrustedText.printable(request.headers[.userAgent] ?? "", limit: 256)
    }
}
