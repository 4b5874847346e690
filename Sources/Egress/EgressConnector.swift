#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix
import NIOSSL

/// Opens the upstream side of one proxied connection: resolves the destination (or the caller's
/// proxy), lets through only addresses the policy allows, and connects to one of those.
struct EgressConnector: Sendable {
    let proxy: EgressProxy
    let route: EgressRoute
    let record: @Sendable (EgressFailure) -> Void

    /// A connection that could not be opened, and why.
    struct Failure: Error {
        var kind: EgressFailure.Kind
    }

    /// A channel towards `host:port`, and the caller's proxy it goes through (nil: direct).
    func open(host: String, port: Int) async throws(Failure) -> (NIOAsyncChannel<ByteBuffer, ByteBuffer>, UpstreamProxy?) {
        if let upstream = route.upstream, !route.bypasses(host) {
            do throws(Failure) {
                return (try await connect(host: upstream.host, port: upstream.port, tls: upstream.kind == .https), upstream)
            } catch {
                // The caller's proxy itself is what was refused or unreachable: say so.
                switch error.kind {
                case .refused(let reason): throw Failure(kind: .refused(reason: "the proxy \(upstream.host): \(reason)"))
                default: throw Failure(kind: .upstream(reason: "\(upstream.host):\(upstream.port): \(error.kind)"))
                }
            }
        }
        return (try await connect(host: host, port: port), nil)
    }

    /// Connects to the first allowed address of `host` that answers.
    private func connect(host: String, port: Int, tls: Bool = false) async throws(Failure)
        -> NIOAsyncChannel<ByteBuffer, ByteBuffer>
    {
        let addresses: [IPAddress]
        if let literal = IPAddress(host) {
            addresses = [literal]
        } else {
            do {
                addresses = try await proxy.resolver.resolve(host)
            } catch {
                throw Failure(kind: .unresolved(reason: "\(error)"))
            }
        }
        let allowed = addresses.filter { proxy.policy.refusal(for: $0) == nil }
        guard !allowed.isEmpty else {
            let reason = addresses.first.flatMap(proxy.policy.refusal(for:)) ?? "no address"
            throw Failure(kind: .refused(reason: host == addresses.first?.description ? reason : "\(host) resolves to \(reason)"))
        }
        var last = EgressFailure.Kind.connectionRefused
        for address in allowed {
            do {
                return try await connect(to: address, port: port, tlsHostname: tls ? host : nil)
            } catch {
                last = error.kind
            }
        }
        throw Failure(kind: last)
    }

    /// What Chromium would call a failed connect.
    static func kind(of error: any Error, address: IPAddress, port: Int) -> EgressFailure.Kind {
        if let error = error as? ChannelError, case .connectTimeout = error { return .timedOut }
        if let error = error as? IOError, error.errnoCode == ECONNREFUSED { return .connectionRefused }
        return .unreachable(reason: "\(address):\(port): \(error)")
    }

    /// Connects to `address`; with `tlsHostname`, speaks TLS on it (to an `https` proxy), checking its
    /// certificate against that name.
    private func connect(to address: IPAddress, port: Int, tlsHostname: String? = nil) async throws(Failure)
        -> NIOAsyncChannel<ByteBuffer, ByteBuffer>
    {
        let idle = TimeAmount(proxy.configuration.idleTimeout)
        let tls: NIOSSLContext?
        do {
            tls = try tlsHostname.map { _ in try EgressTLS.context() }
        } catch {
            throw Failure(kind: .upstream(reason: "TLS: \(error)"))
        }
        do {
            let socketAddress = try SocketAddress(ipAddress: address.description, port: port)
            return try await ClientBootstrap(group: proxy.group)
                .connectTimeout(TimeAmount(proxy.configuration.connectTimeout))
                .channelOption(.allowRemoteHalfClosure, value: true)
                .connect(to: socketAddress) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls, let tlsHostname {
                            let name = IPAddress(tlsHostname) == nil ? tlsHostname : nil
                            try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: name))
                        }
                        try channel.pipeline.syncOperations.addHandlers(IdleStateHandler(allTimeout: idle), IdleCloser())
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                            wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
                    }
                }
        } catch {
            throw Failure(kind: Self.kind(of: error, address: address, port: port))
        }
    }
}

/// The TLS settings for `https` proxies: the platform's trust roots, certificates verified. Made once
/// (loading the trust store costs milliseconds).
enum EgressTLS {
    private static let shared: Result<NIOSSLContext, any Error> = Result {
        try NIOSSLContext(configuration: .makeClientConfiguration())
    }

    static func context() throws -> NIOSSLContext {
        try shared.get()
    }
}
