import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
public import SessionContext
import Synchronization

/// The Swift client of a Tidepool server: typed calls for every JSON-RPC method, batches,
/// retries with backoff, and an optional client-side session store that counts and limits
/// renders before they leave the process.
///
/// One client holds one keep-alive HTTP connection pool; share it across tasks and call
/// `shutdown()` when done (or use `withClient`).
///
/// ```swift
/// let client = try RpcClient(url: "http://127.0.0.1:9123")
/// let page = try await client.renderDynamic(url: "https://example.com")
/// print(page.title)
/// try await client.shutdown()
/// ```
public final class RpcClient: Sendable {
    /// The server URL as given.
    public let url: String
    /// Where calls are POSTed: `url` + `/rpc` when `url` has no path.
    public let endpoint: String
    /// How the client talks to the server.
    public let configuration: Configuration
    let transport: HTTPTransport
    let http: HTTPClient
    let logger: Logger
    /// The client-side session store, once sessions are enabled.
    let localSessions = Mutex<LocalSessions?>(nil)
    private let isShutDown = Atomic<Bool>(false)

    /// A client of the server at `url` (`http://host:port`, or the full `/rpc` URL). Throws
    /// `.invalidArgument` when `url` is not an absolute http(s) URL.
    public init(url: String, configuration: Configuration = Configuration()) throws(RpcError) {
        self.url = url
        self.endpoint = try Self.endpointURL(url)
        self.configuration = configuration
        self.logger = configuration.logger
        var httpConfiguration = HTTPClient.Configuration()
        httpConfiguration.timeout = .init(connect: TimeAmount(configuration.connectTimeout), read: nil)
        httpConfiguration.connectionPool = .init(
            idleTimeout: TimeAmount(configuration.idleConnectionTimeout),
            concurrentHTTP1ConnectionsPerHostSoftLimit: configuration.maxConnections
        )
        httpConfiguration.redirectConfiguration = .disallow
        let http = HTTPClient(
            eventLoopGroupProvider: .singleton, configuration: httpConfiguration, backgroundActivityLogger: logger
        )
        self.http = http
        self.transport = HTTPTransport(
            http: http, endpoint: endpoint, authorization: configuration.token.map { "Bearer \($0)" },
            maxResponseBytes: configuration.maxResponseBytes, logger: logger
        )
    }

    /// A client whose renders on a session are counted and limited by `sessionStore` (any
    /// backend) before they are sent. Throws `.invalidArgument` for a bad `url`.
    public convenience init<Backend: SessionBackend>(
        url: String, sessionStore: RpcSessionStore<Backend>, configuration: Configuration = Configuration()
    ) throws(RpcError) {
        try self.init(url: url, configuration: configuration)
        localSessions.withLock { $0 = LocalSessions(store: sessionStore, cleanup: nil) }
    }

    /// Closes the HTTP connections and stops the session cleanup the client started; later calls
    /// throw `.clientShutDown`. Calling it twice is harmless.
    public func shutdown() async {
        guard !isShutDown.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let sessions = localSessions.withLock { $0 }
        await sessions?.cleanup?.stopAndWait()
        do {
            try await http.shutdown()
        } catch {
            logger.warning("HTTP client shutdown failed", metadata: ["error": "\(error)"])
        }
    }

    /// Runs `body` with a new client of `url` and shuts the client down afterwards, also when
    /// `body` throws.
    public static func withClient<T>(
        url: String, configuration: Configuration = Configuration(), _ body: (RpcClient) async throws -> T
    ) async throws -> T {
        let client = try RpcClient(url: url, configuration: configuration)
        do {
            let result = try await body(client)
            await client.shutdown()
            return result
        } catch {
            await client.shutdown()
            throw error
        }
    }

    /// Throws `.clientShutDown` once `shutdown()` was called.
    func checkRunning() throws(RpcError) {
        if isShutDown.load(ordering: .acquiring) { throw .clientShutDown }
    }

    /// The deadline of a call that needs at least `minimum`.
    func deadline(atLeast minimum: Duration?) -> CallDeadline {
        CallDeadline(timeout: max(configuration.timeout, minimum ?? .zero))
    }

    /// The /rpc URL for a server URL.
    static func endpointURL(_ url: String) throws(RpcError) -> String {
        guard var components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              ["http", "https"].contains(scheme), let host = components.host, !host.isEmpty
        else {
            throw .invalidArgument("server URL \"\(url)\" is not an absolute http(s) URL like http://127.0.0.1:9123")
        }
        if components.path.isEmpty || components.path == "/" { components.path = "/rpc" }
        guard let endpoint = components.string else {
            throw .invalidArgument("server URL \"\(url)\" cannot be turned into its /rpc URL")
        }
        return endpoint
    }
}
