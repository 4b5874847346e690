import Foundation
import NIOHTTP1
import Logging
import RenderTypes
import RpcServer
import Testing
import TestSupport

extension BrowserSuites {
    /// POST /render and tenant presets, in real Chromium against the fixture site: the route answers
    /// as `render`, presets merge as docs/API.md says (the caller's members win, whole), the result
    /// names the preset, a session the render creates lives the preset's ttl.
    @Suite struct RestRenderTests {
        /// acme's presets: `shop` (headers, user agent, resource blocking, stealth, a 120 s session
        /// ttl) and `plain` (a timeout only); globex has none.
        static let presets: JSONValue = [
            "shop": [
                "config": [
                    "headers": ["X-Preset": "shop"], "user_agent": "PresetAgent/1", "block_resources": ["image", "font"],
                    "timeout_ms": 20000,
                ],
                "stealth": ["preset": "low"],
                "session_ttl_secs": 120,
            ],
            "plain": ["config": ["timeout_ms": 15000]],
        ]

        static func withServer(_ body: (RenderServer, _ acme: RestCaller, _ globex: RestCaller) async throws -> Void) async throws {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let (acmeKey, globexKey) = (TenantKey.generate(), TenantKey.generate())
            let file = directory.path + "/tenants.json"
            let tenants: JSONValue = ["tenants": [
                ["id": "acme", "keys_sha256": [.string(TenantKey.hexDigest(of: acmeKey))], "presets": presets],
                ["id": "globex", "keys_sha256": [.string(TenantKey.hexDigest(of: globexKey))]],
            ]]
            try tenants.jsonString().write(toFile: file, atomically: true, encoding: .utf8)
            try await RenderServer.with(http: HTTPConfiguration(port: 0, tenantsFile: file)) { c in
                try await body(c, try await RestCaller.make(c.server, key: acmeKey), try await RestCaller.make(c.server, key: globexKey))
            }
        }

        /// The request headers the fixture's /headers page saw, from a render's html.
        static func echoedHeaders(_ result: JSONValue) throws -> JSONValue {
            let html = result["html"]?.stringValue ?? ""
            guard let start = html.range(of: "<pre id=\"headers\">"), let end = html.range(of: "</pre>", range: start.upperBound..<html.endIndex)
            else { throw UnexpectedResult(method: "render", response: result) }
            let text = String(html[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "&quot;", with: "\"")
                .replacingOccurrences(of: "&amp;", with: "&")
            return try JSONValue(parsing: Data(text.utf8))
        }

        @Test func renderRouteAnswersAsTheMethodAndRefusesBadInput() async throws {
            try await Self.withServer { c, acme, _ in
                let ok = try await acme.send(.POST, "/render", body: ["url": .string(c.url("/static.html"))])
                #expect(ok.status == 200)
                #expect(try ok.json["status_code"] == 200)
                #expect(try ok.json["preset"] == nil)
                let missing = try await acme.send(.POST, "/render", body: ["config": ["timeout_ms": 1000]])
                #expect(missing.status == 400)
                #expect(missing.error?["data"]?["field"] == "url")
                let scheme = try await acme.send(.POST, "/render", body: ["url": "file:///etc/passwd"])
                #expect(scheme.status == 422)
                #expect(scheme.error?["code"] == -32009)
                let typo = try await acme.send(.POST, "/render", body: ["url": .string(c.url("/static.html")), "confg": [:]])
                #expect(typo.status == 400)
                #expect(typo.error?["data"]?["field"] == "confg")
                // A render in a session of another tenant's id: a session of its own, as over JSON-RPC.
                let inSession = try await acme.send(.POST, "/render", body: ["url": .string(c.url("/static.html")), "session_id": "r1"])
                #expect(try inSession.json["session_id"] == "r1")
                #expect(try await acme.send(.GET, "/sessions/r1", template: "/sessions/{session_id}").status == 200)
            }
        }

        @Test func presetsMergeUnderTheCallersFieldsAndTheResultNamesThem() async throws {
            try await Self.withServer { c, acme, globex in
                let page: JSONValue = .string(c.url("/headers"))
                // The preset alone: its headers and user agent reach the site.
                let shop = try await acme.send(.POST, "/render", body: ["url": page, "preset": "shop"])
                #expect(shop.status == 200)
                #expect(try shop.json["preset"] == "shop")
                let seen = try Self.echoedHeaders(try shop.json)
                #expect(seen["x-preset"] == "shop")
                #expect(seen["user-agent"] == "PresetAgent/1")

                // The caller's member wins whole: its headers object replaces the preset's (no
                // X-Preset), while the preset's other members (user agent) stay.
                let mine = try await acme.send(
                    .POST, "/render", body: ["url": page, "preset": "shop", "config": ["headers": ["X-Caller": "me"]]])
                let mineSeen = try Self.echoedHeaders(try mine.json)
                #expect(mineSeen["x-caller"] == "me")
                #expect(mineSeen["x-preset"] == nil)
                #expect(mineSeen["user-agent"] == "PresetAgent/1")
                // A caller's null removes the preset's member.
                let cleared = try await acme.send(
                    .POST, "/render", body: ["url": page, "preset": "shop", "config": ["user_agent": nil]])
                let clearedSeen = try Self.echoedHeaders(try cleared.json)
                #expect(clearedSeen["user-agent"] != "PresetAgent/1")
                #expect(clearedSeen["x-preset"] == "shop")

                // Over JSON-RPC the same.
                let rpc = try await acme.endpoint.result("render", ["url": page, "preset": "shop"])
                #expect(rpc["preset"] == "shop")
                #expect(try Self.echoedHeaders(rpc)["x-preset"] == "shop")

                // Unknown names: -32602 naming the preset; globex has none; nothing rendered.
                let unknown = try await acme.send(.POST, "/render", body: ["url": page, "preset": "shoe"])
                #expect(unknown.status == 400)
                #expect(unknown.error?["data"]?["field"] == "preset")
                #expect(unknown.error?["data"]?["reason"]?.stringValue?.contains("\"shoe\"") == true)
                #expect(unknown.error?["data"]?["reason"]?.stringValue?.contains("plain, shop") == true)
                let theirs = try await globex.send(.POST, "/render", body: ["url": page, "preset": "shop"])
                #expect(theirs.status == 400)
                #expect(theirs.error?["data"]?["reason"]?.stringValue?.contains("no presets") == true)
                let badName = try await acme.send(.POST, "/render", body: ["url": page, "preset": "../shop"])
                #expect(badName.status == 400)
                #expect(badName.error?["data"]?["field"] == "preset")
                // A caller's field that breaks the merged config is refused naming it.
                let badMerge = try await acme.send(.POST, "/render", body: ["url": page, "preset": "plain", "config": ["timeout_ms": -1]])
                #expect(badMerge.status == 400)
                #expect(badMerge.error?["data"]?["field"] == "config.timeout_ms")
            }
        }

        @Test func aSessionTheRenderCreatesLivesThePresetsTTL() async throws {
            try await Self.withServer { c, acme, _ in
                let page: JSONValue = .string(c.url("/static.html"))
                let session = "/sessions/{session_id}"
                let created = try await acme.send(.POST, "/render", body: ["url": page, "preset": "shop", "session_id": "preset-made"])
                #expect(try created.json["preset"] == "shop")
                #expect(try await acme.send(.GET, "/sessions/preset-made", template: session).json["ttl_secs"] == 120)
                // A preset without a ttl: the server's default.
                _ = try await acme.send(.POST, "/render", body: ["url": page, "preset": "plain", "session_id": "plain-made"])
                #expect(try await acme.send(.GET, "/sessions/plain-made", template: session).json["ttl_secs"] == 86_400)
                // An existing session keeps its own ttl.
                _ = try await acme.send(.POST, "/sessions", body: ["session_id": "mine", "ttl_secs": 42])
                _ = try await acme.send(.POST, "/render", body: ["url": page, "preset": "shop", "session_id": "mine"])
                #expect(try await acme.send(.GET, "/sessions/mine", template: session).json["ttl_secs"] == 42)
            }
        }
    }
}
