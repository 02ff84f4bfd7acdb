import Foundation
import SessionCore
import JOSE

/// What to do when the revocation feed has been unreachable longer than the staleness limit.
public enum StaleFeedPolicy: String, Sendable, CaseIterable {
    /// Refuse every token until the feed answers again (`VerifierError.unavailable`).
    case failClosed = "fail-closed"
    /// Keep verifying with the last known denylist and log a warning.
    case warn
}

/// How a microservice verifies access tokens.
public struct VerifierConfiguration: Sendable {
    /// Where the public keys are: the auth service's `/.well-known/jwks.json`.
    public var jwksURL: URL
    /// The revocation feed (`/revocations`), or nil to rely on short lifetimes alone.
    public var revocationFeedURL: URL?
    /// Required `iss`.
    public var issuer: String?
    /// Required member of `aud`.
    public var audience: String?
    /// Algorithms accepted; nil accepts whatever fits a published key.
    public var algorithms: Set<JWSAlgorithm>?
    /// Clock skew tolerated, in seconds (5 by default: the auth service sets `nbf` to the
    /// second it signs, and a service whose clock runs a little behind must still accept it).
    public var leeway: Double
    /// Required header `typ` (RFC 9068: `at+jwt`); nil skips the check.
    public var type: String?
    /// An unknown `kid` refetches the JWKS at most once per this many seconds.
    public var unknownKidRefetchInterval: Double
    /// How long the feed may be unreachable before `staleFeedPolicy` applies, in seconds.
    public var stalenessLimit: Double
    public var staleFeedPolicy: StaleFeedPolicy
    /// Seconds a feed request may wait on the server for new events (long poll).
    public var feedWait: Double
    /// Verified tokens remembered (by SHA-256) so a repeated token skips the signature.
    public var cacheCapacity: Int
    /// Timeout of one HTTP request, in seconds (the feed's long poll adds `feedWait`).
    public var requestTimeout: Double
    /// The service this verifier protects, reported to the auth service with every request so
    /// its console can show who follows the feed; nil reports nothing (one-shot checks).
    public var service: String?
    /// This process among the service's instances (default: host name and process id).
    public var instance: String
    /// Credentials to authenticate as a client of the auth service, so the report is shown as
    /// verified; nil sends none (the JWKS and the feed are public).
    public var clientCredentials: ClientCredentials?

    public init(
        jwksURL: URL, revocationFeedURL: URL? = nil, issuer: String? = nil, audience: String? = nil,
        algorithms: Set<JWSAlgorithm>? = nil, leeway: Double = 5, type: String? = "at+jwt",
        unknownKidRefetchInterval: Double = 30, stalenessLimit: Double = 30,
        staleFeedPolicy: StaleFeedPolicy = .failClosed, feedWait: Double = 20,
        cacheCapacity: Int = 10_000, requestTimeout: Double = 5, service: String? = nil, instance: String? = nil,
        clientCredentials: ClientCredentials? = nil
    ) {
        self.jwksURL = jwksURL
        self.revocationFeedURL = revocationFeedURL
        self.issuer = issuer
        self.audience = audience
        self.algorithms = algorithms
        self.leeway = leeway
        self.type = type
        self.unknownKidRefetchInterval = unknownKidRefetchInterval
        self.stalenessLimit = stalenessLimit
        self.staleFeedPolicy = staleFeedPolicy
        self.feedWait = feedWait
        self.cacheCapacity = max(cacheCapacity, 0)
        self.requestTimeout = requestTimeout
        self.service = service
        self.instance = instance ?? VerifierIdentity.defaultInstance
        self.clientCredentials = clientCredentials
    }

    /// A verifier following the auth service at `authServer`: its JWKS, its revocation feed,
    /// its URL as the issuer, reporting itself as an instance of `service` on every request.
    public init(
        authServer: URL, service: String, audience: String?, instance: String? = nil, clientCredentials: ClientCredentials? = nil,
        stalenessLimit: Double = 30, staleFeedPolicy: StaleFeedPolicy = .failClosed
    ) {
        let issuer = authServer.absoluteString.hasSuffix("/") ? String(authServer.absoluteString.dropLast()) : authServer.absoluteString
        self.init(
            jwksURL: authServer.appendingPathComponent(".well-known/jwks.json"), revocationFeedURL: authServer.appendingPathComponent("revocations"),
            issuer: issuer, audience: audience, stalenessLimit: stalenessLimit, staleFeedPolicy: staleFeedPolicy, service: service, instance: instance,
            clientCredentials: clientCredentials)
    }

    /// The JOSE core's options for these settings.
    var verificationOptions: VerificationOptions {
        VerificationOptions(issuer: issuer, audience: audience, leeway: leeway, algorithms: algorithms, type: type)
    }
}
