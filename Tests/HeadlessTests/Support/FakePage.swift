@testable import Headless
import RenderTypes
import TestSupport

/// A page target the test plays (a `FakeTransport` under a real connection and a session), for unit
/// tests of which commands a driver sends and in what order — never of what Chromium does with them.
enum FakePage {
    /// A reply to send now: to the command `id`, with `result`.
    typealias Reply = (id: Int, result: JSONValue)

    /// Runs `body` with a session on the fake target while `browser` sees every command sent (in order)
    /// and returns the replies to send at that moment (it may hold a reply back and send it later).
    static func withSession<T: Sendable>(
        timeout: Duration = .seconds(10), browser: @escaping @Sendable (JSONValue) -> [Reply],
        _ body: (CDPSession) async throws -> T
    ) async throws -> T {
        try await played(timeout: timeout, browser: browser) { session, _ in try await body(session) }
    }

    /// `with`, and the transport too, for playing the target's events (`FakeTransport.emit`, session "S").
    static func withTransport<T: Sendable>(
        timeout: Duration = .seconds(10), browser: @escaping @Sendable (JSONValue) -> [Reply],
        _ body: (Page, FakeTransport) async throws -> T
    ) async throws -> T {
        try await played(timeout: timeout, browser: browser) { session, transport in
            try await Page.with(session: session, browserContextId: nil, logger: testLogger()) { page in
                try await body(page, transport)
            }
        }
    }

    /// The session "S" on target "T" over a fake transport whose commands `browser` answers.
    private static func played<T: Sendable>(
        timeout: Duration, browser: @escaping @Sendable (JSONValue) -> [Reply],
        _ body: (CDPSession, FakeTransport) async throws -> T
    ) async throws -> T {
        let transport = FakeTransport()
        let connection = CDPConnection(transport: transport, configuration: .init(defaultTimeout: timeout))
        let player = Task {
            for await message in transport.sent {
                for reply in browser(message) {
                    transport.reply(to: reply.id, result: reply.result)
                }
            }
        }
        defer { player.cancel() }
        return try await body(CDPSession(connection: connection, sessionId: "S", targetId: "T"), transport)
    }

    /// `withSession` with a `Page` on the session.
    static func with<T: Sendable>(
        timeout: Duration = .seconds(10), browser: @escaping @Sendable (JSONValue) -> [Reply], _ body: (Page) async throws -> T
    ) async throws -> T {
        try await withSession(timeout: timeout, browser: browser) { session in
            try await Page.with(session: session, browserContextId: nil, logger: testLogger(), body)
        }
    }
}
