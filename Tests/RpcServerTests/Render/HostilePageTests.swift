import FixtureServer
import Foundation
import RenderTypes
import Testing
import TestSupport

extension BrowserSuites {
    /// Dialogs, popups and downloads over HTTP JSON-RPC: answered or refused by the config, reported in
    /// the result as its schema documents.
    @Suite("HTTP: dialogs, popups and downloads", .serialized)
    struct HostilePageTests {
        @Test func aPromptOnLoadIsAnsweredWithTheConfiguredTextAndReported() async throws {
            try await RenderServer.with { c in
                let result = try await c.rendered(
                    "/hostile/dialogs.html?open=prompt", ["config": ["dialogs": ["prompt_text": "Ada"]]])
                #expect(result["html"]?.stringValue?.contains(#"{"kind":"prompt","value":"Ada"}"#) == true)
                #expect(result["dialogs"] == [
                    [
                        "type": "prompt", "message": "Your name?", "url": .string(c.url("/hostile/dialogs.html?open=prompt")),
                        "handled": "accepted", "prompt_text": "Ada",
                    ],
                ])
            }
        }

        @Test func anAlertOpenedByAClickIsDismissedByDefault() async throws {
            try await RenderServer.with { c in
                let result = try await c.rendered(
                    "/hostile/dialogs.html", ["config": ["actions": [["type": "click", "selector": "#alert"]]]])
                #expect(result["actions_executed"]?.arrayValue?.first?["ok"] == true)
                #expect(result["dialogs"]?.arrayValue?.first?["type"] == "alert")
                #expect(result["dialogs"]?.arrayValue?.first?["handled"] == "dismissed")
            }
        }

        @Test func popupsAreReportedByURL() async throws {
            try await RenderServer.with { c in
                let result = try await c.rendered("/hostile/popups.html?n=3")
                #expect(result["popups"] == .array((0..<3).map { .string(c.url("/hostile/popup.html?i=\($0)")) }))
            }
        }

        @Test func aDownloadIsReportedAndItsBytesReturnedOnlyWhenAsked() async throws {
            try await RenderServer.with { c in
                let settle: JSONValue = ["type": "network_idle", "idle_ms": 300]
                let denied = try await c.rendered("/hostile/download.html?auto&bytes=1000", ["config": ["wait_for": settle]])
                #expect(denied["downloads"] == [
                    ["url": .string(c.url("/download?bytes=1000")), "suggested_filename": "report.bin", "state": "denied", "bytes": 1000],
                ])
                let kept = try await c.rendered(
                    "/hostile/download.html?auto&bytes=1000",
                    ["config": ["wait_for": settle, "capture": ["downloads": ["max_bytes": 4096]]]])
                let download = try #require(kept["downloads"]?.arrayValue?.first)
                #expect(download["state"] == "completed")
                #expect(download["bytes"] == 1000)
                #expect(download["data"]?.stringValue.flatMap { Data(base64Encoded: $0) } == Data(FixtureServer.downloadBytes(count: 1000)))
            }
        }

        @Test func badDialogAndDownloadSettingsAreRefusedNamingTheField() async throws {
            try await RenderServer.with { c in
                let cases: [(JSONValue, String)] = [
                    (["dialogs": "ignore"], "config.dialogs"),
                    (["dialogs": ["prompt": "x"]], "config.dialogs.prompt_text"),
                    (["capture": ["downloads": ["max_bytes": .int(RenderLimits.maxDownloadBytes + 1)]]], "config.capture.downloads.max_bytes"),
                    (["capture": ["downloads": ["bytes": 1]]], "config.capture.downloads.bytes"),
                ]
                for (config, field) in cases {
                    let error = try await c.renderError("/static.html", ["config": config])
                    #expect(error["code"] == -32602, "\(config.jsonString())")
                    #expect(error["data"]?["field"] == .string(field), "\(config.jsonString()): \(error.jsonString())")
                }
            }
        }
    }
}
