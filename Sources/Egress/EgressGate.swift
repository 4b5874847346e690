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

    init(server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>, route: EgressRoute, proxy: EgressProxy) {
        self.port = server.channel.localAddress?.port ?? 0
        self.route = route
        let state = GateState(limit: proxy.configuration.maxRecordedFailures)
        self.state = state
        let connector = EgressConnector(proxy: proxy, route: route, record: { state.record($0) })
        let maxConnections = proxy.configuration.maxConnectionsPerGate
        self.serving = Task {
            await withDiscardingTaskGroup { group in
                do {
                    try await server.executeThenClose { connections in
                        for try await connection in connections {
                            guard state.active.add(1, ordering: .relaxed).newValue <= maxConnections else {
                                state.active.subtract(1, ordering: .relaxed)
                                connection.channel.close(promise: nil)
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
            }
        }
    }

    /// Failures recorded after the one numbered `sequence` (0: all kept), oldest first.
    public func failures(after sequence: Int = 0) -> [EgressFailure] {
        state.failures.withLock { $0.recent.filter { $0.sequence > sequence } }
    }

    /// How many failures the gate has seen (its last failure's sequence number).
    public var failureCount: Int { state.failures.withLock { $0.count } }

    /// Stops listening and closes every connection it relays; returns when all are closed.
    public func close() async {
        serving.cancel()
        await serving.value
    }
}
