import AsyncSupport
import Foundation
import Hummingbird
public import Logging
import ServiceLifecycle

/// The fixture site Tidepool's tests, examples and benchmarks render: a Hummingbird app on 127.0.0.1 on an
/// ephemeral port, serving the static pages of `Tests/Fixtures/Site` and the dynamic routes of `FixtureRoutes`
/// (login, dashboard, echo, slow, hang, listing …), counting every request by resource kind.
///
/// Start one per test with `FixtureServer.withRunning { server in … }` (always stopped), or `start()`/`stop()`.
public final class FixtureServer: Sendable {
    /// The port the server listens on.
    public let port: Int
    /// The loopback address it listens on (127.0.0.1 unless started on another, for a second "host").
    public let host: String
    /// Requests seen so far, by resource kind and path.
    public let counter: RequestCounter
    /// Accounts and logged-in sessions of the login form.
    public let accounts: FixtureAccounts
    private let stopping: AsyncLatch<Void>
    private let group: ServiceGroup
    private let task: Task<Void, Never>

    /// How long `stop()` lets open connections finish before it cancels them.
    static let gracePeriod: Duration = .seconds(5)

    private init(
        host: String, port: Int, counter: RequestCounter, accounts: FixtureAccounts, stopping: AsyncLatch<Void>,
        group: ServiceGroup, task: Task<Void, Never>
    ) {
        self.host = host
        self.port = port
        self.counter = counter
        self.accounts = accounts
        self.stopping = stopping
        self.group = group
        self.task = task
    }

    /// `http://<host>:<port>`, without a trailing slash.
    public var baseURL: String { "http://\(host):\(port)" }

    /// The absolute URL of `path` (which starts with `/`) on this server.
    public func url(_ path: String) -> String { baseURL + path }

    /// The bytes `/download?bytes=count` answers: byte i is `i % 251`.
    public static func downloadBytes(count: Int) -> [UInt8] {
        (0..<count).map { UInt8($0 % 251) }
    }

    /// The folder holding the static pages (`Tests/Fixtures/Site`), found from this source file's location.
    public static let siteDirectory: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Site").path

    /// Starts a server on `host` (a loopback address: 127.0.0.2 and so on are a second "host") on an
    /// ephemeral port; throws `FixtureServerError.startFailed` when it cannot bind within `startTimeout`.
    public static func start(
        host: String = "127.0.0.1", logger: Logger = FixtureServer.quietLogger, startTimeout: Duration = .seconds(10)
    ) async throws -> FixtureServer {
        let counter = RequestCounter()
        let accounts = FixtureAccounts()
        let stopping = AsyncLatch<Void>()
        let router = Router()
        router.add(middleware: CountingMiddleware(counter: counter))
        router.add(middleware: ProxyAuthMiddleware())
        router.add(middleware: FileMiddleware(siteDirectory, searchForIndexHtml: false, logger: logger))
        FixtureRoutes(accounts: accounts, stopping: stopping).register(on: router)

        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger
        )
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task {
            do {
                try await group.run()
            } catch {
                logger.error("fixture server stopped", metadata: ["error": "\(error)"])
            }
            portContinuation.finish()
        }
        let port = await withTimeLimit(startTimeout, otherwise: nil) { await ports.first(where: { _ in true }) }
        guard let port, port > 0 else {
            task.cancel()
            await task.value
            throw FixtureServerError.startFailed("no listening socket on \(host) within \(startTimeout)")
        }
        logger.debug("fixture server listening", metadata: ["port": "\(port)"])
        return FixtureServer(
            host: host, port: port, counter: counter, accounts: accounts, stopping: stopping, group: group, task: task
        )
    }

    /// Stops the server: open connections close and requests still waiting (`/hang`, `/slow`) end.
    /// Shuts down gracefully; connections still open after `gracePeriod` are cancelled.
    public func stop() async {
        stopping.resolve(())
        await group.triggerGracefulShutdown()
        let task = self.task
        await withTaskGroup(of: Void.self) { waiters in
            waiters.addTask { await task.value }
            waiters.addTask {
                try? await Task.sleep(for: Self.gracePeriod)
                task.cancel()
            }
            await waiters.next()
            waiters.cancelAll()
        }
        await task.value
    }

    /// Runs `body` with a freshly started server and stops it afterwards, also when `body` throws.
    public static func withRunning<T: Sendable>(
        host: String = "127.0.0.1", _ body: (FixtureServer) async throws -> T
    ) async throws -> T {
        let server = try await start(host: host)
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    /// A logger that only reports warnings and errors, so test output stays readable.
    public static var quietLogger: Logger {
        var logger = Logger(label: "tidepool.fixture")
        logger.logLevel = .warning
        return logger
    }
}

/// Why the fixture server could not run.
public enum FixtureServerError: Error, Sendable, CustomStringConvertible {
    case startFailed(String)

    public var description: String {
        switch self {
        case .startFailed(let why): "fixture server failed to start: \(why)"
        }
    }
}
