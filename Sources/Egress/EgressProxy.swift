public import Logging
import NIOCore
import NIOPosix
import Synchronization

/// The forward proxy every browser context of the pool talks through, so that the egress policy
/// judges the address each connection really goes to: the proxy resolves names itself, checks every
/// address, connects only to one it allowed, and chains to a caller's own proxy when the render has
/// one. Each browser context gets a gate of its own (its own loopback port), so what was refused is
/// known per render.
///
/// Hand-written on SwiftNIO because no library here is a forward proxy that decides on the resolved
/// address; the protocol it speaks is small: `CONNECT` tunnels and absolute-form HTTP/1.1 requests
/// from Chromium, and HTTP `CONNECT`, SOCKS5 or SOCKS4a towards a caller's proxy.
public final class EgressProxy: Sendable {
    /// Bounds of the proxy's connections; defaults are the documented ones.
    public struct Configuration: Sendable {
        /// A connection (to a destination or to the caller's proxy) not made within this is given up.
        public var connectTimeout: Duration
        /// The caller's proxy must answer its handshake within this.
        public var handshakeTimeout: Duration
        /// A connection with no bytes either way for this long is closed.
        public var idleTimeout: Duration
        /// Connections one gate (one browser context) relays at once; more are closed at once.
        public var maxConnectionsPerGate: Int
        /// Failures one gate keeps for the render to report (the count goes on).
        public var maxRecordedFailures: Int

        public init(
            connectTimeout: Duration = .seconds(10), handshakeTimeout: Duration = .seconds(10),
            idleTimeout: Duration = .seconds(120), maxConnectionsPerGate: Int = 256, maxRecordedFailures: Int = 64
        ) {
            self.connectTimeout = connectTimeout
            self.handshakeTimeout = handshakeTimeout
            self.idleTimeout = idleTimeout
            self.maxConnectionsPerGate = max(1, maxConnectionsPerGate)
            self.maxRecordedFailures = max(1, maxRecordedFailures)
        }
    }

    /// Which addresses may be connected to.
    public let policy: EgressPolicy
    public let configuration: Configuration
    let resolver: any HostResolver
    let logger: Logger
    let group: any EventLoopGroup

    /// A proxy judging by `policy`, resolving with `resolver`.
    public init(
        policy: EgressPolicy, configuration: Configuration = Configuration(),
        resolver: any HostResolver = SystemHostResolver(), logger: Logger
    ) {
        self.policy = policy
        self.configuration = configuration
        self.resolver = resolver
        self.logger = logger
        self.group = MultiThreadedEventLoopGroup.singleton
    }

    /// Opens a gate on a fresh 127.0.0.1 port whose connections follow `route`. Close it with
    /// `EgressGate.close()` when its browser context is disposed.
    public func openGate(route: EgressRoute = .direct) async throws -> EgressGate {
        let idle = TimeAmount(configuration.idleTimeout)
        // Accepted connections are handed out as plain channels, not reading yet: the gate wraps each
        // for async use only when it takes it. A wrapper made here would be dropped unfinished for a
        // connection accepted while the gate closes, which NIO treats as a fatal error.
        let accepted = AcceptedChannels()
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.autoRead, value: false)
            .bind(host: "127.0.0.1", port: 0) { channel in
                accepted.insert(channel)
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(IdleStateHandler(allTimeout: idle), IdleCloser())
                    return channel
                }
            }
        return EgressGate(server: server, accepted: accepted, route: route, proxy: self)
    }
}

/// Closes a connection when `IdleStateHandler` says nothing moved for the idle timeout.
final class IdleCloser: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}

/// Every connection a gate accepted and has not seen closed: closing the gate closes them all, also
/// one accepted as it closed and never handed to the gate's loop.
final class AcceptedChannels: Sendable {
    private let open = Mutex<[ObjectIdentifier: any Channel]>([:])

    func insert(_ channel: any Channel) {
        let key = ObjectIdentifier(channel)
        open.withLock { $0[key] = channel }
        channel.closeFuture.whenComplete { [weak self] _ in self?.open.withLock { _ = $0.removeValue(forKey: key) } }
    }

    func closeAll() {
        for channel in open.withLock({ Array($0.values) }) { channel.close(promise: nil) }
    }
}
