import FixtureServer
import Foundation
import Headless
import NIOHTTP1
import Rendering
import RenderTypes
@testable import RpcServer
import Testing
import TestSupport

/// `live_viewer.py`: a person's browser on a live view.
enum LiveViewer {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("live_viewer.py").path

    /// Starts `scenario` on `url` in a viewer window of `size` CSS pixels at device scale `scale`
    /// (the tabs scenario saves the window as a PNG at `screenshot`, when given).
    static func start(
        _ scenario: String, url: String, site: String, size: (Int, Int) = (1280, 800), scale: Double = 1, screenshot: String? = nil,
        in directory: String
    ) throws -> CDPClientRun {
        try CDPClientRun.start(
            script: script, scenario, name: "\(scenario)-\(size.0)x\(size.1)@\(scale)",
            arguments: [url, site, "\(size.0)", "\(size.1)", "\(scale)"] + (screenshot.map { [$0] } ?? []), in: directory)
    }

    /// Expects the viewer window saved at `path` (a PNG of `width` x `height` with the session's page
    /// drawn on its canvas) and copies it into the directory `TIDEPOOL_DOCS_IMAGES` names, if set
    /// (how docs/live.md's pictures are made).
    static func checkScreenshot(_ path: String, width: Int, height: Int, seen: JSONValue, log: String) throws {
        let size = pngSize(path)
        #expect(size?.width == width && size?.height == height, "the viewer window, saved: \(String(describing: size)) \(log)")
        #expect((seen["screenshot_canvas_drawn"]?.intValue ?? 0) > 10_000, "the page drawn on the canvas: \(seen)")
        guard let docs = ProcessInfo.processInfo.environment["TIDEPOOL_DOCS_IMAGES"] else { return }
        let name = URL(fileURLWithPath: path).lastPathComponent
        _ = try? FileManager.default.removeItem(atPath: docs + "/" + name)
        try FileManager.default.copyItem(atPath: path, toPath: docs + "/" + name)
    }

    /// Width and height of a PNG file (its IHDR chunk), nil when it is not a PNG.
    static func pngSize(_ path: String) -> (width: Int, height: Int)? {
        guard let data = FileManager.default.contents(atPath: path), data.count > 24,
            data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        else { return nil }
        let bytes = [UInt8](data[16..<24])
        let width = bytes[0..<4].reduce(0) { $0 << 8 | Int($1) }
        let height = bytes[4..<8].reduce(0) { $0 << 8 | Int($1) }
        return (width, height)
    }
}

extension RenderServer {
    /// `live.create`'s result, failing on an error answer.
    func live(_ session: String, mode: String? = nil, ttl: Int? = nil) async throws -> JSONValue {
        var params: [String: JSONValue] = ["session_id": .string(session)]
        if let mode { params["mode"] = .string(mode) }
        if let ttl { params["ttl_secs"] = .int(ttl) }
        let response = try await server.call("live.create", .object(params))
        guard let result = response["result"] else { throw UnexpectedError(response: response) }
        return result
    }

    /// The path (`/live/{token}`) of a `live.create` result.
    func livePath(_ live: JSONValue) throws -> String {
        let url = try #require(live["url"]?.stringValue)
        return String(url.dropFirst(server.baseURL.count))
    }

    /// `live.wait`'s answer for `live` (at most `timeoutMs`).
    func waitLive(_ live: JSONValue, timeoutMs: Int = 60_000) async throws -> JSONValue {
        try await server.result("live.wait", ["live_id": live["live_id"] ?? nil, "timeout_ms": .int(timeoutMs)])
    }

    /// The session's localStorage of the fixture site, as a render of /storage/read.html shows it.
    func storage(of session: String) async throws -> String {
        try await rendered("/storage/read.html", ["session_id": .string(session)])["html"]?.stringValue ?? ""
    }
}

extension BrowserSuites {
    /// `live.create` (issue 12, part 2): a session shown to a person's browser (Playwright-launched
    /// Chromium) on a canvas, driven through it in control mode, and its state written back on Done.
    @Suite(.enabled(if: PlaywrightPython.shouldRun, "Playwright for Python is not installed: scripts/setup test installs it"))
    struct LiveViewTests {
        @Test func aViewerInControlClicksAndTypesAtAnySizeAndScaleAndDoneWritesItBack() async throws {
            try await RenderServer.with { c in
                _ = try await c.server.result("session.create", ["session_id": "human"])
                _ = try await c.rendered("/live.html", ["session_id": "human"])
                for (round, (size, scale)) in [((1280, 900), 1.0), ((520, 420), 2.0)].enumerated() {
                    let live = try await c.live("human", mode: "control", ttl: 120)
                    #expect(live["mode"] == "control" && live["ttl_secs"] == 120, "\(live)")
                    #expect(live["url"]?.stringValue?.hasPrefix(c.server.baseURL + "/live/") == true, "\(live)")
                    #expect(try await c.server.result("live.status", ["live_id": live["live_id"] ?? nil])["state"] == "waiting")
                    let page = try await c.server.request(.GET, try c.livePath(live))
                    #expect(page.status == 200)

                    // Held while the viewer is in control: changes refused at once.
                    let render = try await c.render("/live.html", ["session_id": "human"])
                    #expect(render["error"]?["code"] == -32006, "\(render)")
                    #expect(render["error"]?["data"]?["reason"] == "session held by live control", "\(render)")
                    let set = try await c.server.call(
                        "cookies.set", ["session_id": "human", "cookies": [["name": "late", "value": "x", "domain": "127.0.0.1", "path": "/"]]])
                    #expect(set["error"]?["data"]?["reason"] == "session held by live control", "\(set)")

                    // The first round's viewer window, as docs/live.md shows it.
                    let screenshot = round == 0 ? c.tmp + "/live-viewer-control.png" : nil
                    let viewer = try LiveViewer.start(
                        "control", url: try #require(live["url"]?.stringValue), site: c.url(""), size: size, scale: scale,
                        screenshot: screenshot, in: c.tmp)
                    defer { viewer.stop() }
                    let seen = try await viewer.seen()
                    if let screenshot {
                        try LiveViewer.checkScreenshot(screenshot, width: size.0, height: size.1, seen: seen, log: viewer.logText)
                    }
                    #expect(seen["status"] == 200, "\(seen) \(viewer.logText)")
                    #expect(seen["mode"] == "control", "\(seen)")
                    #expect((seen["nonblank"]?.intValue ?? 0) > 1000, "the session's page is drawn (its blue button): \(seen)")
                    #expect(seen["reload_status"] == 410, "the link is single-use: \(seen)")
                    #expect(seen["url_after_click"]?.stringValue?.hasSuffix("/live.html#clicked-\(round + 1)") == true, "\(seen)")
                    #expect(seen["ended"] == "done", "\(seen)")
                    #expect(try await viewer.exit() == 0, "\(viewer.logText)")

                    let waited = try await c.waitLive(live)
                    #expect(waited["ended"] == true && waited["ended_reason"] == "done", "\(waited)")
                    #expect((waited["frames_sent"]?.intValue ?? 0) >= 1, "\(waited)")
                    #expect((waited["inputs_relayed"]?.intValue ?? 0) >= 4, "\(waited)")
                    let storage = try await c.storage(of: "human")
                    #expect(storage.contains(#""clicks":"\#(round + 1)""#), "the click reached the session's page: \(storage)")
                    #expect(storage.contains(#""typed":"Grüße 東京""#), "typed exactly: \(storage)")
                    #expect(try await c.server.request(.GET, try c.livePath(live)).status == 404, "an ended link")
                    #expect(c.renders.liveViewCount == 0)
                    _ = try await c.rendered("/live.html", ["session_id": "human"])
                }
            }
        }

        @Test func aWindowThePageOpensIsATabTheViewerShowsDrivesAndCloses() async throws {
            try await RenderServer.with { c in
                _ = try await c.server.result("session.create", ["session_id": "tabs"])
                _ = try await c.rendered("/live.html", ["session_id": "tabs"])
                let live = try await c.live("tabs", mode: "control", ttl: 120)
                // The viewer with its tab strip, as docs/live.md shows it (copied there when
                // TIDEPOOL_DOCS_IMAGES names the directory).
                let screenshot = c.tmp + "/live-viewer-tabs.png"
                let viewer = try LiveViewer.start(
                    "tabs", url: try #require(live["url"]?.stringValue), site: c.url(""), screenshot: screenshot, in: c.tmp)
                defer { viewer.stop() }
                let seen = try await viewer.seen()
                try LiveViewer.checkScreenshot(screenshot, width: 1280, height: 800, seen: seen, log: viewer.logText)
                #expect(seen["strip_visible_at_start"] == false, "one tab shows no strip: \(seen) \(viewer.logText)")
                let tabs = seen["tabs_after_open"]?.arrayValue ?? []
                #expect(tabs.count == 2, "\(seen)")
                #expect(tabs.first?["url"]?.stringValue?.hasSuffix("/live.html") == true, "\(seen)")
                #expect(tabs.last?["url"]?.stringValue?.hasSuffix("/live.html?popup") == true, "\(seen)")
                #expect(tabs.last?["title"] == "Popup window", "\(seen)")
                #expect(seen["strip_visible"] == true, "\(seen)")
                #expect(seen["popup_url_after_click"]?.stringValue?.hasSuffix("/live.html?popup#clicked-1") == true, "the click went to the popup: \(seen)")
                #expect(seen["url_after_switch_back"]?.stringValue?.hasSuffix("/live.html") == true, "\(seen)")
                #expect(seen["strip_visible_after_close"] == false, "\(seen)")
                #expect(seen["ended"] == "done", "\(seen)")
                #expect(try await viewer.exit() == 0, "\(viewer.logText)")
                let waited = try await c.waitLive(live)
                #expect(waited["ended_reason"] == "done", "\(waited)")
                // The popup's click counted in the origin's localStorage, which went back to the session.
                let storage = try await c.storage(of: "tabs")
                #expect(storage.contains(#""clicks":"1""#), "\(storage)")
                #expect(c.renders.liveViewCount == 0)
            }
        }

        @Test func aLoginThroughTheLiveViewReachesTheNextRender() async throws {
            try await RenderServer.with { c in
                _ = try await c.server.result("session.create", ["session_id": "twofa"])
                let before = try await c.rendered("/dashboard", ["session_id": "twofa"])
                #expect(before["html"]?.stringValue?.contains("Not logged in") == true)
                let live = try await c.live("twofa", mode: "control")
                let viewer = try LiveViewer.start("login", url: try #require(live["url"]?.stringValue), site: c.url(""), in: c.tmp)
                defer { viewer.stop() }
                let seen = try await viewer.seen()
                #expect(seen["url_after_login"]?.stringValue?.hasSuffix("/dashboard") == true, "\(seen) \(viewer.logText)")
                #expect(seen["url_after_back"]?.stringValue?.hasSuffix("/login.html") == true, "\(seen)")
                #expect(seen["url_after_forward"]?.stringValue?.hasSuffix("/dashboard") == true, "\(seen)")
                #expect(seen["ended"] == "done", "\(seen)")
                #expect(try await viewer.exit() == 0, "\(viewer.logText)")
                #expect(try await c.waitLive(live)["ended_reason"] == "done")
                let dashboard = try await c.rendered("/dashboard", ["session_id": "twofa"])
                #expect(dashboard["html"]?.stringValue?.contains(#"<span id="user">grace</span>"#) == true, "the viewer's login")
            }
        }

        @Test func viewModeDropsInputOnTheServerAndHoldsNothing() async throws {
            try await RenderServer.with { c in
                _ = try await c.server.result("session.create", ["session_id": "watched"])
                _ = try await c.rendered("/live.html", ["session_id": "watched"])
                let live = try await c.live("watched")
                #expect(live["mode"] == "view")
                let liveID = live["live_id"] ?? nil
                // The view-mode window, as docs/live.md shows it first.
                let screenshot = c.tmp + "/live-viewer.png"
                let viewer = try LiveViewer.start(
                    "view", url: try #require(live["url"]?.stringValue), site: c.url(""), screenshot: screenshot, in: c.tmp)
                defer { viewer.stop() }
                let seen = try await viewer.seen()
                #expect(seen["mode"] == "view", "\(seen) \(viewer.logText)")
                try LiveViewer.checkScreenshot(screenshot, width: 1280, height: 800, seen: seen, log: viewer.logText)
                #expect((seen["nonblank"]?.intValue ?? 0) > 1000, "\(seen)")
                // The viewer's (tampered) page sent a click and a key: both dropped.
                try await eventually("the server dropped the viewer's input") {
                    (try await c.server.result("live.status", ["live_id": liveID])["inputs_dropped"]?.intValue ?? 0) >= 3
                }
                let status = try await c.server.result("live.status", ["live_id": liveID])
                #expect(status["state"] == "connected" && status["inputs_relayed"] == 0, "\(status)")
                #expect(status["page_url"]?.stringValue?.hasSuffix("/live.html") == true, "no click reached the page: \(status)")
                // Not held: the session renders and changes meanwhile.
                #expect(try await c.rendered("/live.html", ["session_id": "watched"])["status_code"] == 200)
                #expect(try await viewer.disconnect() == 0, "\(viewer.logText)")
                let end = try await viewer.seen(".end")
                #expect(end["ended"] == "done", "\(end)")
                #expect(try await c.waitLive(live)["ended_reason"] == "done")
                #expect(!(try await c.storage(of: "watched")).contains(#""clicks""#), "nothing clicked, nothing written back")
                let metrics = try await c.server.request(.GET, "/metrics").body
                #expect(metrics.contains(#"tidepool_live_views_total{mode="view"} 1"#), "\(metrics)")
                #expect(metrics.contains(#"tidepool_live_views_ended_total{reason="done"} 1"#), "\(metrics)")
                #expect(metrics.contains("tidepool_live_views 0"), "\(metrics)")
                #expect(metrics.contains(#"tidepool_live_inputs_total{outcome="relayed"} 0"#), "\(metrics)")
                let figures = Dictionary(
                    metrics.split(separator: "\n").compactMap { line -> (String, Double)? in
                        let parts = line.split(separator: " ")
                        guard parts.count == 2, let value = Double(parts[1]) else { return nil }
                        return (String(parts[0]), value)
                    }, uniquingKeysWith: { first, _ in first })
                #expect((figures["tidepool_live_frames_total"] ?? 0) >= 1, "\(metrics)")
                #expect((figures["tidepool_live_frame_bytes_total"] ?? 0) > 1000, "\(metrics)")
                #expect((figures[#"tidepool_live_inputs_total{outcome="dropped"}"#] ?? 0) >= 3, "\(metrics)")
            }
        }

        @Test func revokedExpiredUnknownAndOtherSessionsLinksAreRefused() async throws {
            try await RenderServer.with { c in
                for id in ["a", "b"] { _ = try await c.server.result("session.create", ["session_id": .string(id)]) }
                let revoked = try await c.live("a", mode: "control")
                let other = try await c.live("b")
                #expect(try await c.server.request(.GET, try c.livePath(revoked)).status == 200)
                let status = try await c.server.result("live.revoke", ["live_id": revoked["live_id"] ?? nil])
                #expect(status["ended"] == true && status["ended_reason"] == "revoked", "\(status)")
                #expect(try await c.server.request(.GET, try c.livePath(revoked)).status == 404)
                #expect(try await c.server.request(.GET, try c.livePath(revoked) + "/ws").status == 404)
                #expect(try await c.rendered("/", ["session_id": "a"])["status_code"] == 200, "revoking released the hold")
                #expect(try await c.waitLive(revoked, timeoutMs: 0)["ended_reason"] == "revoked")

                // Another session's link opens that session's view only; a token nobody was given, nothing.
                #expect(try await c.server.request(.GET, try c.livePath(other)).status == 200)
                #expect(try await c.server.request(.GET, try c.livePath(other) + "/ws").status == 426, "a WebSocket is expected there")
                let unknown = String(repeating: "A", count: 43)
                for path in ["/live/\(unknown)", "/live/short", "/live/\(unknown)/ws"] {
                    #expect(try await c.server.request(.GET, path).status == 404, "\(path)")
                }
                let waiting = try await c.waitLive(other, timeoutMs: 50)
                #expect(waiting["ended"] == false && waiting["state"] == "waiting", "\(waiting)")

                let brief = try await c.live("b", mode: "control", ttl: 5)
                #expect(try await c.waitLive(brief)["ended_reason"] == "expired")
                #expect(try await c.server.request(.GET, try c.livePath(brief)).status == 404)
                #expect(try await c.rendered("/", ["session_id": "b"])["status_code"] == 200, "expiry released the hold")
            }
        }

        @Test func aLiveIdBelongsToItsTenantAndTheLinkNeedsNoKey() async throws {
            try await TestTenants.withTwo { two in
                try await RenderServer.with(http: HTTPConfiguration(port: 0, tenantsFile: two.file)) { c in
                    let acme = KeyedCaller(c.server, key: two.acme)
                    let globex = KeyedCaller(c.server, key: two.globex)
                    for caller in [acme, globex] { _ = try await caller.result("session.create", ["session_id": "shop"]) }
                    let live = try await acme.result("live.create", ["session_id": "shop", "mode": "control"])
                    let liveID = live["live_id"] ?? nil
                    for method in ["live.status", "live.revoke", "live.wait"] {
                        let params: JSONValue = method == "live.wait" ? ["live_id": liveID, "timeout_ms": 10] : ["live_id": liveID]
                        let error = try await globex.error(method, params)
                        #expect(error["code"] == -32602 && error["data"]?["field"] == "live_id", "\(method): \(error)")
                    }
                    #expect(try await acme.result("live.status", ["live_id": liveID])["state"] == "waiting", "globex revoked nothing")
                    // acme's hold is on acme's session: globex's session of the same name is free.
                    #expect(try await globex.result("render", ["url": .string(c.url("/")), "session_id": "shop"])["status_code"] == 200)
                    let held = try await acme.error("render", ["url": .string(c.url("/")), "session_id": "shop"])
                    #expect(held["data"]?["reason"] == "session held by live control", "\(held)")
                    // The link is the credential: it opens without an API key.
                    #expect(try await c.server.request(.GET, try c.livePath(live)).status == 200)
                    #expect(try await acme.result("live.revoke", ["live_id": liveID])["ended_reason"] == "revoked")
                }
            }
        }

        @Test func aViewerLeavingWithoutDoneEndsTheViewAndReleasesTheSession() async throws {
            try await RenderServer.with { c in
                _ = try await c.server.result("session.create", ["session_id": "left"])
                _ = try await c.rendered("/live.html", ["session_id": "left"])
                let live = try await c.live("left", mode: "control")
                let viewer = try LiveViewer.start("leave", url: try #require(live["url"]?.stringValue), site: c.url(""), in: c.tmp)
                defer { viewer.stop() }
                #expect(try await viewer.seen()["mode"] == "control", "\(viewer.logText)")
                #expect(try await viewer.exit() == 0, "\(viewer.logText)")
                let ended = try await c.waitLive(live)
                #expect(ended["ended_reason"] == "viewer_left" && (ended["frames_sent"]?.intValue ?? 0) >= 1, "\(ended)")
                #expect(try await c.rendered("/live.html", ["session_id": "left"])["status_code"] == 200, "released")
            }
        }

        @Test func aKeepWarmSessionIsShownInItsWarmContextOthersInAFreshOne() async throws {
            try await RenderServer.with { c in
                _ = try await c.server.result("session.create", ["session_id": "warm", "keep_warm": true])
                _ = try await c.server.result("session.create", ["session_id": "cold"])
                for id in ["warm", "cold"] { _ = try await c.rendered("/live.html", ["session_id": .string(id)]) }
                #expect(c.pool.stats().contextsParked == 1, "warm's context is kept")

                let warm = try await c.live("warm", mode: "control")
                #expect(c.pool.stats().contextsParked == 0, "taken for the view")
                let cold = try await c.live("cold", mode: "control")
                #expect(c.pool.stats().contextsHeld == 2)

                for live in [warm, cold] {
                    #expect(try await c.server.result("live.revoke", ["live_id": live["live_id"] ?? nil])["ended_reason"] == "revoked")
                }
                // The cold view's context went back; the warm one is kept for its session again (it
                // holds exactly what the session stored).
                try await eventually("the cold view's context went back") { c.pool.stats().contextsHeld == 1 }
                #expect(c.pool.stats().contextsParked == 1, "warm's context is kept again")
                // The views opened /live.html again, each in its context's page: only the kept page had
                // the sessionStorage of the render before (the fixture notes it in localStorage).
                let served = c.pool.stats().leasesServed
                let read = try await c.rendered("/storage/read.html", ["session_id": "warm", "config": WarmSessionTests.readStorage])
                #expect(read["html"]?.stringValue?.contains(#""warm":"yes""#) == true, "the warm context's own page: \(read)")
                #expect(!WarmSessionTests.restored(read), "the kept context: nothing restored")
                #expect(c.pool.stats().leasesServed == served, "no new lease for the warm session's render")
                #expect(!(try await c.storage(of: "cold").contains(#""warm""#)), "a fresh context")
                for id in ["warm", "cold"] {
                    #expect(try await c.rendered("/live.html", ["session_id": .string(id)])["status_code"] == 200, "\(id) released")
                }
            }
        }

        /// With an egress policy (as `tidepool serve` always runs) its proxy sends the credentials
        /// upstream; without one the view's pages answer the browser's challenge themselves.
        @Test(arguments: [true, false])
        func aKeepWarmSessionBehindAProxyWithCredentialsIsShownThroughIt(egress: Bool) async throws {
            try await RenderServer.with(pool: { if !egress { $0.egress = nil } }) { c in
                // The fixture server is the proxy; its host name only resolves through it, and it
                // answers 407 to a request without the credentials.
                let (user, password) = FixtureServer.proxyCredentials
                let proxy: JSONValue = ["server": .string("http://127.0.0.1:\(c.site.port)"), "username": .string(user), "password": .string(password)]
                let page = "http://\(FixtureServer.authProxyHost)/live.html"
                _ = try await c.server.result("session.create", ["session_id": "proxied", "keep_warm": true])
                let first = try await c.rendered(page, ["session_id": "proxied", "config": ["proxy": proxy]])
                #expect(first["status_code"] == 200, "\(first)")
                #expect(c.pool.stats().contextsParked == 1, "kept with its proxy")

                let live = try await c.live("proxied", mode: "control")
                #expect(c.pool.stats().contextsParked == 0, "the kept context is the view's")
                // The view opens the session's page again in the kept page, through the proxy: the
                // page finds the sessionStorage of the render before and notes it in localStorage.
                try await Task.sleep(for: .seconds(2))
                #expect(try await c.server.result("live.revoke", ["live_id": live["live_id"] ?? nil])["ended_reason"] == "revoked")
                try await eventually("kept for the session again") { c.pool.stats().contextsParked == 1 }

                let served = c.pool.stats().leasesServed
                let read = try await c.rendered(page, [
                    "session_id": "proxied",
                    "config": ["proxy": proxy, "actions": [["type": "evaluate", "expression": "localStorage.getItem('warm')"]]],
                ])
                #expect(read["status_code"] == 200, "\(read)")
                #expect(read["actions_executed"]?.arrayValue?.first?["result"] == "yes", "the view showed the kept page through the proxy: \(read)")
                #expect(c.pool.stats().leasesServed == served, "the kept context again, with its proxy")
            }
        }

        /// A session with a profile is shown in its profile's own browser (its state lives in the
        /// profile's directory), and what the person does there reaches the session's next render.
        @Test func aProfileSessionIsShownInItsProfilesBrowserAndDoneWritesItBack() async throws {
            try await RenderServer.with { c in
                _ = try await c.rendered("/live.html", ["session_id": "profiled", "profile": "shown"])
                let live = try await c.live("profiled", mode: "control", ttl: 120)
                #expect(c.pool.stats().contextsHeld == 0, "no context of the pool: the profile's browser shows it")
                let viewer = try LiveViewer.start("control", url: try #require(live["url"]?.stringValue), site: c.url(""), in: c.tmp)
                defer { viewer.stop() }
                let seen = try await viewer.seen()
                #expect(seen["url_after_click"]?.stringValue?.hasSuffix("/live.html#clicked-1") == true, "\(seen) \(viewer.logText)")
                #expect(seen["ended"] == "done", "\(seen)")
                #expect(try await viewer.exit() == 0, "\(viewer.logText)")
                #expect(try await c.waitLive(live)["ended_reason"] == "done")
                // The next render of the session, in the profile's browser, finds what was typed.
                let read = try await c.rendered("/static.html", [
                    "session_id": "profiled",
                    "config": ["actions": [["type": "evaluate", "expression": "localStorage.getItem('typed') + '|' + localStorage.getItem('clicks')"]]],
                ])
                #expect(read["actions_executed"]?.arrayValue?.first?["result"] == "Grüße 東京|1", "\(read)")
                #expect(c.renders.liveViewCount == 0)
            }
        }

        @Test func aViewerThatStopsReadingHoldsTheStreamBackAndEndsIdle() async throws {
            try await RenderServer.with { c in
                _ = try await c.server.result("session.create", ["session_id": "slow"])
                _ = try await c.rendered("/live.html?animate", ["session_id": "slow"])
                let live = try await c.live("slow", mode: "control")
                let viewer = try CDPClientRun.start(
                    script: LiveViewer.script, "stall", name: "stall", arguments: [try #require(live["url"]?.stringValue), c.url("")],
                    in: c.tmp)
                defer { viewer.stop() }
                #expect(try await viewer.seen()["status"] == 101, "\(viewer.logText)")
                // Each frame waits for its write: a viewer that reads nothing stalls the stream (the page
                // keeps repainting), and after 30 s stalled the view ends and the session is released.
                try await eventually("the stalled view ended", timeout: .seconds(120)) {
                    try await c.waitLive(live, timeoutMs: 20_000)["ended"] == true
                }
                let ended = try await c.waitLive(live, timeoutMs: 0)
                #expect(ended["ended_reason"] == "idle", "\(ended)")
                #expect(try await c.rendered("/", ["session_id": "slow"])["status_code"] == 200, "released")
                // The viewer reads again only after the server had time to cut its connection.
                try await Task.sleep(for: LiveBridge.closeGrace + .seconds(3))
                #expect(try await viewer.disconnect() == 0, "\(viewer.logText)")
                let end = try await viewer.seen(".end")
                #expect(end["closed_by_server"] == true, "the stalled viewer's connection is cut: \(end) \(viewer.logText)")
                #expect(end["close_frame"] == false, "cut, not closed by a handshake that waited for the viewer: \(end)")
            }
        }

        @Test func deletingTheSessionEndsItsLiveView() async throws {
            try await RenderServer.with { c in
                _ = try await c.server.result("session.create", ["session_id": "gone"])
                let live = try await c.live("gone", mode: "control")
                #expect(try await c.server.result("session.delete", ["session_id": "gone"])["deleted"] == true)
                #expect(try await c.waitLive(live)["ended_reason"] == "session_deleted")
                #expect(c.renders.liveViewCount == 0)
            }
        }

        @Test func liveCallsThatCannotBeServedAreRefusedAndChangeNothing() async throws {
            try await RenderServer.with(render: RenderService.Configuration(maxCDPBrowsers: 1)) { c in
                _ = try await c.server.result("session.create", ["session_id": "one"])
                _ = try await c.server.result("session.create", ["session_id": "two"])
                let refusals: [(String, JSONValue, Int, String)] = [
                    ("live.create", ["session_id": "nobody"], -32001, "session_id"),
                    ("live.create", [:], -32602, "session_id"),
                    ("live.create", ["session_id": "one", "mode": "drive"], -32602, "mode"),
                    ("live.create", ["session_id": "one", "ttl_secs": 0], -32602, "ttl_secs"),
                    ("live.create", ["session_id": "one", "ttl_secs": 901], -32602, "ttl_secs"),
                    ("live.create", ["session_id": "one", "ttl_secs": "long"], -32602, "ttl_secs"),
                    ("live.create", ["session_id": "bad id!"], -32602, "session_id"),
                    ("live.status", [:], -32602, "live_id"),
                    ("live.status", ["live_id": "live_0123456789abcdef0123456789abcdef"], -32602, "live_id"),
                    ("live.revoke", ["live_id": "nope"], -32602, "live_id"),
                    ("live.wait", ["live_id": "live_0123456789abcdef0123456789abcdef", "timeout_ms": 10], -32602, "live_id"),
                ]
                for (method, params, code, field) in refusals {
                    let answer = try await c.server.call(method, params)
                    #expect(answer["error"]?["code"]?.intValue == code, "\(method) \(params): \(answer)")
                    if code == -32602 { #expect(answer["error"]?["data"]?["field"]?.stringValue == field, "\(answer)") }
                }
                #expect(c.renders.liveViewCount == 0, "no view opened for a refused call")
                #expect(try await c.rendered("/", ["session_id": "one"])["status_code"] == 200, "and no session held")

                let made = try await c.live("one", mode: "control")
                let bad = try await c.server.call("live.wait", ["live_id": made["live_id"] ?? nil, "timeout_ms": -1])
                #expect(bad["error"]?["data"]?["field"] == "timeout_ms", "\(bad)")
                let held = try await c.server.call("live.create", ["session_id": "one", "mode": "control"])
                #expect(held["error"]?["data"]?["reason"] == "session held by live control", "one viewer in control: \(held)")
                let connect = try await c.server.call("session.connect", ["session_id": "one"])
                #expect(connect["error"]?["data"]?["reason"] == "session held by live control", "\(connect)")
                let full = try await c.server.call("live.create", ["session_id": "two"])
                #expect(full["error"]?["code"] == -32006, "\(full)")
                #expect(full["error"]?["data"]?["reason"]?.stringValue?.contains("max_cdp_browsers 1") == true, "\(full)")
                #expect(try await c.rendered("/", ["session_id": "two"])["status_code"] == 200, "the refused session is not held")
                // Server shutdown (the end of this test) ends the unclaimed view and writes it back.
            }
        }
    }
}
