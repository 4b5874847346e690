// SessionMetrics — run a small multi-session flow with the client-side session store on, then
// print each session's figures and the store's (plus the server's own session stats).
//
// What it shows: `enableSessions()`, `getOrCreateSession` with a `max_requests` limit, renders
// admitted and recorded by the local store (the call over the limit is refused before any
// network call), `peekSession` for per-session figures, `getSessionMetrics()` for the store's
// totals and render-time percentiles, and `sessionStats()` for the server's view.
//
// Run it against a local server:
//     make serve                                      # terminal 1
//     swift run SessionMetrics --serve-fixtures       # terminal 2
// or: swift run SessionMetrics --site http://127.0.0.1:PORT

import ArgumentParser
import ExampleSupport
import RenderTypes
import RpcClient
import SessionContext

@main
struct SessionMetricsExample: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "SessionMetrics", abstract: "Print per-session and store metrics after a flow over several sessions."
    )

    @OptionGroup var options: ExampleOptions

    func run() async throws {
        let report = try await options.run { client, site in try await Self.flow(client: client, site: site) }
        for session in report.sessions {
            print(
                "\(session.sessionId): \(session.requestCount) requests, avg \(format(session.avgRenderTimeMs)) ms, "
                    + "\(session.errorCount) errors, last \(session.lastUrl ?? "-")"
            )
        }
        let m = report.local
        print(
            "client store: \(m.activeSessions) sessions, \(m.totalRequests) requests, \(m.errors) errors, "
                + "render p50 \(format(m.p50RenderMs)) ms, p95 \(format(m.p95RenderMs)) ms, p99 \(format(m.p99RenderMs)) ms"
        )
        print("refused locally (no network call): \(report.refusedLocally)")
        print("server store: \(report.server.activeSessions) sessions, \(report.server.totalRequests) requests")
    }

    func format(_ ms: Double) -> String { String(Int(ms.rounded())) }

    /// What the flow leaves.
    struct Report: Sendable {
        var sessions: [RpcSessionContext]
        var local: SessionMetrics
        var server: SessionMetrics
        /// Renders the local store refused because their session had used its limit.
        var refusedLocally: Int
    }

    /// Two sessions browse the fixture site; the "capped" one may make 3 renders and tries 4.
    static func flow(client: RpcClient, site: String) async throws -> Report {
        client.enableSessions()
        let browsing = SessionID.generate()
        let capped = SessionID.generate()
        _ = try await client.getOrCreateSession(capped, config: SessionConfig(ttlSeconds: 600, maxRequests: 3))

        var refused = 0
        let plan: [(SessionID, String)] = [
            (browsing, "/static.html"), (capped, "/list"), (browsing, "/item/1"), (capped, "/list?page=2"),
            (browsing, "/item/2"), (capped, "/list?page=3"), (capped, "/list?page=4"),
        ]
        for (session, path) in plan {
            do {
                _ = try await client.renderDynamicWithSession(url: site + path, sessionID: session)
            } catch .requestLimitReached {
                refused += 1
            }
        }
        return Report(
            sessions: [try await client.peekSession(browsing), try await client.peekSession(capped)],
            local: try await client.getSessionMetrics(),
            server: try await client.sessionStats(),
            refusedLocally: refused
        )
    }
}
