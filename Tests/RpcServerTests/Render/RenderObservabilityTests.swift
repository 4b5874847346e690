import Foundation
import Headless
import Logging
import NIOHTTP1
import RenderTypes
@testable import RpcServer
import Synchronization
import Testing
import TestSupport

extension BrowserSuites {
    /// `pool.stats`, /health with the pool, /metrics' pool gauges and render histograms, one log line
    /// per render, and the OpenRPC document of a server that renders.
    @Suite struct RenderObservabilityTests {
        @Test func poolStatsShowsBrowsersContextsQueueAndMemory() async throws {
            try await RenderServer.with { c in
                _ = try await c.server.result("session.create", ["session_id": "w", "keep_warm": true])
                _ = try await c.rendered("/static.html", ["session_id": "w"])
                let stats = try await c.server.checkedResult("pool.stats")
                let browser = try #require(stats["browsers"]?.arrayValue?.first)
                #expect(browser["state"] == "ready")
                #expect((browser["pid"]?.intValue ?? 0) > 0)
                #expect((browser["rss_bytes"]?.intValue ?? 0) > 1 << 20)
                #expect(stats["contexts_held"] == 1)
                #expect(stats["contexts_leased"] == 1)
                #expect(stats["warm_sessions"] == 1)
                #expect(stats["queue_length"] == 0)
                #expect(stats["utilization"] == 0.25)
                #expect(stats["restarts"] == 0)
            }
        }

        @Test func renderResultMatchesItsDocumentedSchema() async throws {
            try await RenderServer.with { c in
                _ = try await c.server.checkedResult(
                    "render",
                    [
                        "url": .string(c.url("/static.html")), "session_id": "schema",
                        "config": [
                            "capture": ["screenshot": true, "console": true, "network": true],
                            "actions": [["type": "evaluate", "expression": "document.title"]],
                        ],
                    ])
            }
        }

        @Test func healthIncludesThePoolAndIsHealthyWhileItCanServe() async throws {
            try await RenderServer.with { c in
                let answer = try await c.server.request(.GET, "/health")
                #expect(answer.status == 200)
                let health = try answer.json
                #expect(health["status"] == "healthy")
                #expect(health["pool"]?["ready_browsers"] == 1)
            }
        }

        @Test func healthIs503WhenNoBrowserCanStart() async throws {
            try await RenderServer.with(
                pool: { $0.launch.executablePath = "/nonexistent/chromium"; $0.maxRetries = 0 }, waitForBrowser: false
            ) { c in
                try await eventually("the launch to fail") { c.pool.stats().lastLaunchError != nil }
                let answer = try await c.server.request(.GET, "/health")
                #expect(answer.status == 503)
                let health = try answer.json
                #expect(health["status"] == "unhealthy")
                #expect(health["pool"]?["last_launch_error"]?.stringValue?.contains("/nonexistent/chromium") == true)
            }
        }

        @Test func metricsShowPoolGaugesRenderHistogramsAndErrorsByCode() async throws {
            try await RenderServer.with { c in
                _ = try await c.rendered("/static.html")
                _ = try await c.renderError("/static.html", ["config": ["actions": [["type": "click", "selector": "#nope"]]]])
                _ = try await c.renderError("file:///etc/passwd")
                let text = try await c.server.request(.GET, "/metrics").body
                #expect(sample(text, "tidepool_pool_browsers") == 1)
                #expect(sample(text, "tidepool_pool_queue_length") == 0)
                #expect(sample(text, #"tidepool_pool_contexts{state="leased"}"#) == 0)
                #expect(sample(text, "tidepool_pool_utilization") == 0)
                #expect(sample(text, "tidepool_pool_restarts") == 0)
                #expect(text.contains("tidepool_pool_browser_rss_bytes{browser=\"1\"}"))
                #expect(sample(text, "tidepool_render_duration_seconds_count") == 3)
                #expect(sample(text, "tidepool_render_queue_wait_seconds_count") == 1)
                #expect(sample(text, "tidepool_render_lease_seconds_count") == 1)
                #expect(sample(text, #"tidepool_render_errors_total{code="-32010"}"#) == 1)
                #expect(sample(text, #"tidepool_render_errors_total{code="-32009"}"#) == 1)
            }
        }

        @Test func healthSaysWhichScriptsHaveAFont() async throws {
            try await RenderServer.with { c in
                let health = try await c.server.request(.GET, "/health").json
                let fonts = try #require(health["pool"]?["fonts"])
                #expect(fonts["missing"] == [], "scripts/setup serve installs the fonts")
                #expect(fonts["present"]?.arrayValue?.count == 11)
                #expect(fonts["present"]?.arrayValue?.contains("japanese") == true)
            }
        }

        @Test func thePoolCountsLeasesAndLaunchesIntoTheServersRegistry() async throws {
            try await RenderServer.with { c in
                let fresh: JSONValue = ["isolation": "fresh"]
                _ = try await c.rendered("/static.html", ["config": fresh])
                _ = try await c.rendered("/static.html", ["config": fresh])
                let text = try await c.server.request(.GET, "/metrics").body
                let hot = sample(text, #"tidepool_pool_leases_total{kind="hot"}"#) ?? 0
                let created = sample(text, #"tidepool_pool_leases_total{kind="created"}"#) ?? 0
                #expect(hot + created == 2, "one lease per fresh render")
                #expect(sample(text, "tidepool_pool_browser_launches_total") == 1)
                #expect(sample(text, #"tidepool_render_contexts_total{context="fresh"}"#) == 2)
            }
        }

        @Test func recycledAndFreshContextsAreCountedAndARecycledRenderTakesNoLease() async throws {
            try await RenderServer.with { c in
                #expect(try await c.rendered("/static.html")["context"] == "fresh")
                #expect(try await c.rendered("/static.html")["context"] == "recycled")
                #expect(try await c.rendered("/static.html", ["config": ["isolation": "fresh"]])["context"] == "fresh")
                let text = try await c.server.request(.GET, "/metrics").body
                let hot = sample(text, #"tidepool_pool_leases_total{kind="hot"}"#) ?? 0
                let created = sample(text, #"tidepool_pool_leases_total{kind="created"}"#) ?? 0
                #expect(hot + created == 2, "the recycled render leased nothing from the pool")
                #expect(sample(text, #"tidepool_render_contexts_total{context="fresh"}"#) == 2)
                #expect(sample(text, #"tidepool_render_contexts_total{context="recycled"}"#) == 1)
            }
        }

        @Test func everyRenderLogsOneLineWithSessionHostTimingsAndOutcome() async throws {
            let records = LogRecords()
            var logger = Logger(label: "tidepool.test") { _ in RecordingLogHandler(records: records) }
            logger.logLevel = .info
            try await RenderServer.with(logger: logger) { c in
                _ = try await c.rendered("/static.html", ["session_id": "logged"])
                _ = try await c.renderError("/static.html", ["session_id": "logged", "config": ["actions": [["type": "click", "selector": "#nope"]]]])
                let lines = records.all.filter { $0.message == "render" }
                #expect(lines.count == 2)
                let ok = try #require(lines.first)
                #expect(ok.metadata["session_id"] == "logged")
                #expect(ok.metadata["host"] == "127.0.0.1")
                #expect(ok.metadata["outcome"] == "ok")
                for stage in ["queue_ms", "lease_ms", "navigation_ms", "wait_ms", "actions_ms", "capture_ms"] {
                    #expect(ok.metadata[stage] != nil, "\(stage)")
                }
                #expect(lines.last?.metadata["outcome"] == "error -32010")
            }
        }

        @Test func cancelledCallIsLoggedAsCancelledNotAsAnInternalError() {
            let records = LogRecords()
            var logger = Logger(label: "tidepool.test") { _ in RecordingLogHandler(records: records) }
            logger.logLevel = .info
            let object = RpcErrorMapping.errorObject(for: CancellationError(), method: "session.create", logger: logger)
            #expect(object.code == -32603)
            #expect(object.data?["request_id"]?.stringValue?.isEmpty == false)
            let line = records.all.first
            #expect(records.all.count == 1)
            #expect(line?.message == "call cancelled" && line?.level == .info)
            #expect(line?.metadata["rpc.method"] == "session.create")
            #expect(line?.metadata["request_id"] == object.data?["request_id"]?.stringValue)
        }

        @Test func documentListsRenderAndPoolStatsWithTheirParams() async throws {
            try await RenderServer.with(waitForBrowser: false) { c in
                let document = c.server.server.engine.openRPCDocument
                let names = document["methods"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
                #expect(names.contains("render"))
                #expect(names.contains("pool.stats"))
                OpenRPCTests.checkDocumentedParams(of: c.server.server.engine)
            }
        }
    }
}

/// Log records kept by `RecordingLogHandler`.
final class LogRecords: Sendable {
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private let records = Mutex<[Record]>([])
    func append(_ record: Record) { records.withLock { $0.append(record) } }
    var all: [Record] { records.withLock { $0 } }
}

/// A log handler that keeps every record (metadata rendered as strings) for a test to read.
struct RecordingLogHandler: LogHandler {
    let records: LogRecords
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        records.append(.init(level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" }))
    }
}
