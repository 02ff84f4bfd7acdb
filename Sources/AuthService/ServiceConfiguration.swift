import SessionCore

/// How `sessiond` issues and protects tokens. Every duration is in seconds.
public struct ServiceConfiguration: Sendable {
    /// `iss` of every access token and the RFC 8414 issuer; URLs are built from it.
    public var issuer: String
    /// `aud` of every access token.
    public var audience: String
    /// Access-token lifetime (DESIGN: 5 minutes).
    public var accessTokenLifetime: Double
    /// Absolute session lifetime, idle timeout and the reuse grace window.
    public var refreshPolicy: RefreshPolicy
    /// `Cache-Control: max-age` of the JWKS.
    public var jwksMaxAge: Int
    /// The largest request body read, in bytes.
    public var maxBodyBytes: Int
    /// Login attempts (pending or failed) allowed per user and per address in a window;
    /// counted by the store, so every instance on one store shares them.
    public var loginLimits: LoginLimits
    /// The longest `wait` a revocation-feed request may ask for.
    public var maxFeedWait: Double
    /// How often the service re-reads the signing keys (a rotation by `sessionctl`
    /// takes effect within this) and looks for new revocation events.
    public var refreshInterval: Double
    /// `client_id` of a login that names none.
    public var defaultClientID: String
    /// The refresh-token cookie's name (cookie mode).
    public var cookieName: String
    /// Concurrent password checks (each scrypt holds 32 MiB).
    public var passwordCheckConcurrency: Int
    /// Deadlines for request heads and bodies, keep-alive idling, and the connection cap.
    public var connectionLimits: ConnectionLimits

    public init(
        issuer: String, audience: String = "sessions-api", accessTokenLifetime: Double = 300,
        refreshPolicy: RefreshPolicy = RefreshPolicy(), jwksMaxAge: Int = 60, maxBodyBytes: Int = 16 * 1024,
        loginFailuresPerUser: Int = 5, loginFailuresPerAddress: Int = 20, loginFailureWindow: Double = 300,
        maxFeedWait: Double = 30, refreshInterval: Double = 0.25, defaultClientID: String = "web",
        cookieName: String = "sessiond_refresh", passwordCheckConcurrency: Int = 2,
        connectionLimits: ConnectionLimits = ConnectionLimits()
    ) {
        self.issuer = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
        self.audience = audience
        self.accessTokenLifetime = accessTokenLifetime
        self.refreshPolicy = refreshPolicy
        self.jwksMaxAge = jwksMaxAge
        self.maxBodyBytes = maxBodyBytes
        self.loginLimits = LoginLimits(perUser: loginFailuresPerUser, perAddress: loginFailuresPerAddress, window: loginFailureWindow)
        self.maxFeedWait = maxFeedWait
        self.refreshInterval = refreshInterval
        self.defaultClientID = defaultClientID
        self.cookieName = cookieName
        self.passwordCheckConcurrency = max(1, passwordCheckConcurrency)
        self.connectionLimits = connectionLimits
    }

    /// The body size and time limit of every request.
    var bodyLimit: RequestInput.BodyLimit {
        RequestInput.BodyLimit(bytes: maxBodyBytes, seconds: connectionLimits.bodyTimeout)
    }

    /// The published JWKS URL.
    public var jwksURI: String { issuer + "/.well-known/jwks.json" }
}
