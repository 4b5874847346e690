import FixtureServer
import Foundation
import Headless
@testable import Rendering
import RenderTypes
@testable import RpcServer
import Testing
import TestSupport

extension BrowserSuites {
    /// Every param of `render` is checked before a session or a browser is touched: -32602 naming the
    /// field, -32009 for a URL the policy refuses; nothing is leased, counted or fetched.
    @Suite struct RenderParamTests {
        /// Params (besides a valid url) and the field the refusal must name.
        static let invalid: [(params: [String: JSONValue], field: String)] = [
            (["url": 5], "url"),
            (["url": ""], "url"),
            (["session_id": "no spaces allowed"], "session_id"),
            (["session_id": .string(String(repeating: "s", count: 129))], "session_id"),
            (["profile": "../escape"], "profile"),
            (["profile": "a", "user_data_dir": "b"], "user_data_dir"),
            (["user_data_dir": "../../etc"], "user_data_dir"),
            (["user_data_dir": "/etc"], "user_data_dir"),
            (["user_data_dir": "relative/dir"], "user_data_dir"),
            (["config": 5], "config"),
            (["config": ["timeout_ms": 0]], "config.timeout_ms"),
            (["config": ["timeout_ms": 120_001]], "config.timeout_ms"),
            (["config": ["wait_for": ["type": "bogus"]]], "config.wait_for.type"),
            (["config": ["wait_for": ["type": "selector"]]], "config.wait_for.selector"),
            (["config": ["wait_for": ["type": "popup", "count": 0]]], "config.wait_for.count"),
            (["config": ["wait_for": ["type": "download", "count": 101]]], "config.wait_for.count"),
            (["config": ["actions": [["type": "click"]]]], "config.actions[0].selector"),
            (["config": ["actions": [["type": "teleport"]]]], "config.actions[0].type"),
            (["config": ["viewport": ["width": -1, "height": 600]]], "config.viewport.width"),
            (["config": ["block_resources": ["bogus"]]], "config.block_resources[0]"),
            (["config": ["capture": ["format": "gif"]]], "config.capture.format"),
            (["config": ["made_up": true]], "config.made_up"),
            (["config": ["proxy": ["server": "http://127.0.0.1:3128"]], "profile": "p1"], "config.proxy"),
            (["stealth": ["preset": "ultra"]], "stealth.preset"),
            (["stealth": ["made_up": 1]], "stealth.made_up"),
            (["stealth": ["color_scheme": "blue"]], "stealth.color_scheme"),
            (["priority": "urgent"], "priority"),
            (["made_up": 1], "made_up"),
        ]

        @Test func everyBadParamIsRefusedNamingItBeforeAnythingIsLeased() async throws {
            try await RenderServer.with { c in
                let before = c.pool.stats()
                for (params, field) in Self.invalid {
                    var all = params
                    if all["url"] == nil { all["url"] = .string(c.url("/static.html")) }
                    let response = try await c.server.call("render", .object(all))
                    #expect(response["error"]?["code"] == -32602, "\(params): \(response.jsonString())")
                    #expect(response["error"]?["data"]?["field"] == .string(field), "\(params): \(response.jsonString())")
                }
                let after = c.pool.stats()
                #expect(after.leasesServed == before.leasesServed)
                #expect(after.hotLeases == before.hotLeases)
                #expect(c.site.counter.count(path: "/static.html") == 0)
                #expect(try await c.server.result("session.list")["sessions"]?.arrayValue == [])
            }
        }

        @Test func symbolicLinkOutOfTheProfilesRootIsRefused() async throws {
            try await RenderServer.with { c in
                let root = c.renders.profileLocation.root
                try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
                let outside = c.tmp + "/outside"
                try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
                try FileManager.default.createSymbolicLink(atPath: root + "/sneaky", withDestinationPath: outside)
                for params: [String: JSONValue] in [["user_data_dir": "sneaky"], ["user_data_dir": .string(root + "/sneaky")], ["profile": "sneaky"]] {
                    let error = try await c.renderError("/static.html", params)
                    #expect(error["code"] == -32602, "\(params)")
                }
                #expect(await c.renders.profiles.count == 0)
            }
        }

        @Test func urlsThePolicyRefusesAreRefusedBeforeAnythingIsLeased() async throws {
            try await RenderServer.with { c in
                let before = c.pool.stats()
                let refused = [
                    "file:///etc/passwd", "chrome://version", "javascript:alert(1)", "data:text/html,<p>x</p>",
                    "view-source:\(c.url("/static.html"))", "http://user:secret@127.0.0.1:\(c.site.port)/static.html",
                ]
                for url in refused {
                    let error = try await c.renderError(url, ["session_id": "policy"])
                    #expect(error["code"] == -32009, "\(url)")
                    #expect(error["data"]?["url"] == .string(url))
                    #expect(error["data"]?["reason"]?.stringValue?.isEmpty == false)
                }
                let navigate = try await c.renderError(
                    "/static.html", ["config": ["actions": [["type": "navigate", "url": "file:///etc/passwd"]]]])
                #expect(navigate["code"] == -32009)
                #expect(navigate["data"]?["url"] == "file:///etc/passwd")
                let after = c.pool.stats()
                #expect(after.leasesServed == before.leasesServed)
                #expect(after.hotLeases == before.hotLeases)
                #expect(c.site.counter.count(path: "/static.html") == 0)
                // Refused before admission: the session was never created.
                #expect(try await c.server.call("session.get", ["session_id": "policy"])["error"]?["code"] == -32001)
            }
        }

        @Test func aliasAndPriorityAreAccepted() async throws {
            try await RenderServer.with { c in
                let result = try await c.server.result(
                    "render.dynamic", ["url": .string(c.url("/static.html")), "priority": "low"])
                #expect(result["status_code"] == 200)
                #expect(result["title"]?.stringValue?.isEmpty == false)
            }
        }
    }
}
