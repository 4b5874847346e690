import AsyncSupport
import Logging
import NIOCore
import Synchronization

/// One browser context's way out: a proxy listener on its own 127.0.0.1 port (give `proxyServer`
/// and `proxyBypassList` to `Target.createBrowserContext`), relaying its connections under the
/// proxy's policy and `route`, and recording what it did not connect.
public final class EgressGate: Sendable {
    /// Chromium goes straight to loopback destinations unless told not to; `<-loopback>` sends them
    /// through the proxy too, where the policy judges them like any other address.
    public static let proxyBypassList = "<-loopback>"

    /// The loopback port the gate listens on.
    public let port: Int
    public let route: EgressRoute
    private let state: GateState
    private let serving: Task<Void, Never>
    /// The listening socket.
    private let listener: any Channel
    /// Every connection it accepted that is still open.
    private let accepted: AcceptedChannels
    /// Resolved once the accept loop has handed every accepted connection to a task.
    private let acceptingEnded = AsyncLatch<Void>()

    /// What a browser context's `proxyServer` is set to.
    public var proxyServer: String { "http://127.0.0.1:\(port)" }

    /// The failures a gate recorded (the last `limit`, and how many in all) and its open connections.
    final class GateState: Sendable {
        struct FailureLog {
            var recent: [EgressFailure] = []
            var count = 0
        }

        let failures = Mutex(FailureLog())
        let active = Atomic<Int>(0)
        /// The gate is closing: what is still accepted is ended at once.
        let closing = Atomic<Bool>(false)
        let limit: Int

        init(limit: Int) {
            self.limit = limit
        }

        func record(_ failure: EgressFailure) {
            failures.withLock { log in
                log.count += 1
                var numbered = failure
                numbered.sequence = log.count
                log.recent.append(numbered)
                if log.recent.count > limit { log.recent.removeFirst(log.recent.count - limit) }
            }
        }
    }

    init(server: NIOAsyncChannel<any Channel, Never>, accepted: AcceptedChannels, route: EgressRoute, proxy: EgressProxy) {
        self.accepted = accepted
        self.port = server.channel.localAddress?.port ?? 0
        self.route = route
        let state = GateState(limit: proxy.configuration.maxRecordedFailures)
        self.state = state
        let connector = EgressConnector(proxy: proxy, route: route, record: { state.record($0) })
        let maxConnections = proxy.configuration.maxConnectionsPerGate
        self.listener = server.channel
        let acceptingEnded = self.acceptingEnded
        self.serving = Task {
            await withDiscardingTaskGroup { group in
                do {
                    try await server.executeThenClose { connections in
                        for try await channel in connections {
                            let over = state.active.add(1, ordering: .relaxed).newValue > maxConnections
                            guard !over, !state.closing.load(ordering: .relaxed),
                                let connection = try? await Self.wrap(channel)
                            else {
                                state.active.subtract(1, ordering: .relaxed)
                                channel.close(promise: nil)
                                continue
                            }
                            group.addTask {
                                await EgressConnection(client: connection, connector: connector).serve()
                                state.active.subtract(1, ordering: .relaxed)
                            }
                        }
                    }
                } catch {
                    proxy.logger.debug("egress gate stopped accepting", metadata: ["error": "\(error)"])
                }
                // Every accepted connection has a task now; close() cancels the ones still relaying.
                acceptingEnded.resolve(())
            }
        }
    }

    /// `channel` wrapped for async use, then reading (it was accepted with reads off, so nothing it
    /// sent is lost before the wrapper's handler is in place).
    private static func wrap(_ channel: any Channel) async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        try await channel.eventLoop.submit {
            let wrapped = try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
            try channel.syncOptions?.setOption(.autoRead, value: true)
            return wrapped
        }.get()
    }

    /// Failures recorded after the one numbered `sequence` (0: all kept), oldest first.
    public func failures(after sequence: Int = 0) -> [EgressFailure] {
        state.failures.withLock { $0.recent.filter { $0.sequence > sequence } }
    }

    /// How many failures the gate has seen (its last failure's sequence number).
    public var failureCount: Int { state.failures.withLock { $0.count } }

    /// Stops listening and closes every connection it relays; returns when all are closed.
    public func close() async {
        // Stop accepting first and let the loop take every connection already accepted (cancelling it
        // while some wait in its queue would drop them unfinished); then end the relays.
        state.closing.store(true, ordering: .relaxed)
        listener.close(promise: nil)
        _ = await acceptingEnded.wait(timeout: .seconds(10))
        serving.cancel()
        await serving.value
        accepted.closeAll()
    }
}
