import Hummingbird
import NIOCore

/// The request context of `sessiond`: Hummingbird's core storage plus the peer address
/// (for per-address login limits and the session's ip).
public struct AuthRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The peer's IP address as text; "unknown" when there is none (in-process tests).
    public var clientIP: String { remoteAddress?.ipAddress ?? "unknown" }
}
