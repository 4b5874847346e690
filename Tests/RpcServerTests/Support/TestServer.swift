import AsyncHTTPClient
import Foundation
import Headless
import Logging
import NIOCore
import NIOHTTP1
@testable import Rendering
import RenderTypes
@testable import RpcServer
import ServiceLifecycle
import SessionContext

/// A real Tidepool HTTP server on 127.0.0.1 and an ephemeral port, for one test.
struct TestServer: HTTPEndpoint {
    let baseURL: String
    let server: TidepoolServer

    var store: RpcSessionStore<AnySessionBackend> { server.sessions.store }

    /// Runs `body` against a fresh server (in-memory sessions unless `sessions` says otherwise),
    /// then shuts it down gracefully.
    static func run(
        http: HTTPConfiguration = HTTPConfiguration(port: 0),
        sessions: SessionsConfiguration = SessionsConfiguration(backend: .memory, healthCountMaxAge: .zero),
        clock: any WallClock = SystemWallClock(),
        metrics: ServerMetrics = ServerMetrics(),
        pool: BrowserPool? = nil,
        render: RenderService.Configuration = .init(),
        logger: Logger = TestServer.logger,
        _ body: (TestServer) async throws -> Void
    ) async throws {
        let server = try await TidepoolServer.make(
            configuration: .init(http: http, sessions: sessions, render: render), pool: pool, metrics: metrics,
            clock: clock, logger: logger
        )
        try await server.withRunning { port in
            try await body(TestServer(baseURL: "http://127.0.0.1:\(port)", server: server))
        }
    }

    /// The servers' logger: warnings and worse only.
    static var logger: Logger {
        var logger = Logger(label: "tidepool.test")
        logger.logLevel = .warning
        return logger
    }

}

/// A finished async sequence of the array's elements.
struct AsyncArray<Element: Sendable>: AsyncSequence, Sendable {
    let elements: [Element]

    struct AsyncIterator: AsyncIteratorProtocol {
        var remaining: ArraySlice<Element>
        mutating func next() async -> Element? { remaining.popFirst() }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(remaining: elements[...]) }
}

extension Array where Element: Sendable {
    var async: AsyncArray<Element> { AsyncArray(elements: self) }
}
