import FixtureServer
import Foundation
import Headless
import NIOHTTP1
@testable import Rendering
import RenderTypes
import SessionContext
@testable import RpcServer
import Testing
import TestSupport

/// Playwright for Python (from PyPI: a client nobody here wrote), when installed; CI installs it
/// (`scripts/setup test`) and its absence there is a failure.
enum PlaywrightPython {
    static let python: String? = {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(directory)/python3"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    static let installed: Bool = {
        guard let python else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", "import playwright.sync_api"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    /// Whether the tests must run: Playwright is there, or this is CI (where its absence fails them).
    static var shouldRun: Bool {
        if !installed {
            FileHandle.standardError.write(Data(
                "\n*** CDPConnectTests SKIPPED: Playwright for Python is not installed (scripts/setup test installs it: pip install playwright) ***\n\n".utf8))
        }
        return installed || ProcessInfo.processInfo.environment["CI"] != nil
    }

    /// The scenario script next to this file.
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("cdp_client.py").path
}

/// A running Playwright script (`cdp_client.py`, `live_viewer.py`): what it saw (once it wrote it), its
/// release while connected, its exit.
struct CDPClientRun {
    let process: Process
    let out: String
    let release: String
    let log: String

    /// Starts `scenario` against `urls`, with the fixture site at `site`.
    static func start(_ scenario: String, urls: [String], site: String, in directory: String) throws -> CDPClientRun {
        try start(script: PlaywrightPython.script, scenario, name: scenario, arguments: urls + [site], in: directory)
    }

    /// Starts `script` with `scenario`, its out and release files (named `name` in `directory`), then `arguments`.
    static func start(script: String, _ scenario: String, name: String, arguments: [String], in directory: String) throws -> CDPClientRun {
        let run = CDPClientRun(
            process: Process(), out: "\(directory)/\(name).json", release: "\(directory)/\(name).release", log: "\(directory)/\(name).log")
        _ = FileManager.default.createFile(atPath: run.log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: run.log))
        run.process.executableURL = URL(fileURLWithPath: try #require(PlaywrightPython.python))
        run.process.arguments = [script, scenario, run.out, run.release] + arguments
        run.process.standardOutput = handle
        run.process.standardError = handle
        try run.process.run()
        return run
    }

    /// What the client saw, once it wrote it (it stays connected until `disconnect`); `suffix` names
    /// a later file next to it.
    func seen(_ suffix: String = "") async throws -> JSONValue {
        let path = out + suffix
        try await eventually("the script wrote \(path) (log: \(logText))", timeout: .seconds(90)) {
            FileManager.default.fileExists(atPath: path) || !process.isRunning
        }
        guard FileManager.default.fileExists(atPath: path) else { throw TestSupportError("the script wrote nothing: \(logText)") }
        return try JSONValue(parsing: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Lets the client disconnect and waits for it to exit; its exit status.
    func disconnect() async throws -> Int32 {
        _ = FileManager.default.createFile(atPath: release, contents: nil)
        return try await exit()
    }

    /// Waits (at most 60 s) for the client to exit; its exit status.
    func exit() async throws -> Int32 {
        try await eventually("the CDP client exited (log: \(logText))", timeout: .seconds(60)) { !process.isRunning }
        return process.terminationStatus
    }

    /// Ends the client if it still runs (a failed test).
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    var logText: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
}

extension RenderServer {
    /// `session.connect`'s result for `session`, failing on an error answer.
    func connect(_ session: String, ttl: Int? = nil, stealth: JSONValue? = nil) async throws -> JSONValue {
        var params: [String: JSONValue] = ["session_id": .string(session)]
        if let ttl { params["ttl_secs"] = .int(ttl) }
        if let stealth { params["stealth"] = stealth }
        let response = try await server.call("session.connect", .object(params))
        guard let result = response["result"] else { throw UnexpectedError(response: response) }
        return result
    }

    /// The hand-off a `session.connect` result names.
    func handoff(_ connection: JSONValue) throws -> CDPHandoff {
        let url = try #require(connection["ws_url"]?.stringValue)
        let token = String(try #require(url.split(separator: "/").last))
        return try #require(renders.cdpHandoff(tokenHash: HandoffToken.hash(token)), "no hand-off for \(url)")
    }

    /// Waits until no hand-off runs and the process `pid` is gone.
    func handoffsEnded(leaving pid: Int32) async throws {
        try await eventually("the hand-off ended and its browser (pid \(pid)) exited", timeout: .seconds(30)) {
            renders.cdpHandoffCount == 0 && kill(pid, 0) != 0
        }
    }
}

extension BrowserSuites {
    /// `session.connect` (issue 12, parts 1 and 3): a session handed to Playwright through Tidepool's
    /// WebSocket, held against JSON-RPC changes while it is, and its state written back after.
    @Suite(.enabled(if: PlaywrightPython.shouldRun, "Playwright for Python is not installed: scripts/setup test installs it"))
    struct CDPConnectTests {
        @Test func aPlaywrightScriptGetsTheSessionAndItsLoginReachesTheNextRender() async throws {
            try await RenderServer.with { c in
                _ = try await c.server.result("session.create", ["session_id": "hand"])
                _ = try await c.server.result(
                    "cookies.set", ["session_id": "hand", "cookies": [["name": "pre", "value": "set", "domain": "127.0.0.1", "path": "/"]]])
                _ = try await c.rendered("/storage/write.html?from=render", ["session_id": "hand"])

                let connection = try await c.connect("hand", ttl: 120)
                #expect(connection["http_url"]?.stringValue?.hasPrefix(c.server.baseURL + "/cdp/") == true, "\(connection)")
                #expect(connection["ws_url"]?.stringValue?.hasPrefix("ws://127.0.0.1:") == true, "\(connection)")
                #expect(connection["ttl_secs"] == 120)
                let handoff = try c.handoff(connection)
                let version = try await c.server.request(.GET, "/cdp/\(try #require(connection["http_url"]?.stringValue?.split(separator: "/").last))/json/version")
                #expect(version.status == 200)
                #expect(try version.json["webSocketDebuggerUrl"] == connection["ws_url"])

                let client = try CDPClientRun.start(
                    "login", urls: [try #require(connection["http_url"]?.stringValue)], site: c.url(""), in: c.tmp)
                defer { client.stop() }
                let seen = try await client.seen()
                #expect(seen["contexts"] == 1, "\(seen)")
                #expect(seen["context_cookies"] == ["pre"], "\(seen)")
                #expect(seen["page_cookies"]?["pre"] == "set", "\(seen)")
                #expect(seen["user"] == "grace", "\(seen)")
                #expect((seen["screenshot_bytes"]?.intValue ?? 0) > 1000, "\(seen)")

                // Held while the client is connected: changes refused at once, reads answer.
                let render = try await c.render("/dashboard", ["session_id": "hand"])
                #expect(render["error"]?["code"] == -32006, "\(render)")
                #expect(render["error"]?["data"]?["reason"] == "session held by a CDP client")
                #expect((render["error"]?["data"]?["retry_after_ms"]?.intValue ?? 0) > 1000)
                let set = try await c.server.call(
                    "cookies.set", ["session_id": "hand", "cookies": [["name": "late", "value": "x", "domain": "127.0.0.1", "path": "/"]]])
                #expect(set["error"]?["data"]?["reason"] == "session held by a CDP client", "\(set)")
                for method in ["cookies.clear"] {
                    #expect(try await c.server.call(method, ["session_id": "hand"])["error"]?["code"] == -32006)
                }
                let again = try await c.server.call("session.connect", ["session_id": "hand"])
                #expect(again["error"]?["data"]?["reason"] == "session held by a CDP client", "\(again)")
                let cookies = try await c.server.result("cookies.get", ["session_id": "hand"])
                #expect(cookies["cookies"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["pre"], "nothing changed: \(cookies)")
                #expect(try await c.server.call("session.get", ["session_id": "hand"])["result"] != nil)
                // One client per token: its /json/version and the URL itself answer 410 once one connected.
                let token = try #require(connection["http_url"]?.stringValue?.split(separator: "/").last)
                #expect(try await c.server.request(.GET, "/cdp/\(token)/json/version").status == 410)
                #expect(try await c.server.request(.GET, "/cdp/\(token)").status == 410)

                #expect(try await client.disconnect() == 0, "\(client.logText)")
                try await c.handoffsEnded(leaving: handoff.pid)
                let metrics = try await c.server.request(.GET, "/metrics").body
                func series(_ name: String) -> Double {
                    metrics.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { $0.split(separator: " ").last }
                        .flatMap { Double($0) } ?? -1
                }
                #expect(series(#"tidepool_cdp_handoffs_total{ended="client_left"}"#) == 1, "\(metrics)")
                #expect(series("tidepool_cdp_handoffs") == 0)
                #expect(series(#"tidepool_cdp_messages_total{direction="to_browser"}"#) > 10)
                #expect(series(#"tidepool_cdp_bytes_total{direction="to_client"}"#) > 1000, "a screenshot came through")
                let dashboard = try await c.rendered("/dashboard", ["session_id": "hand"])
                #expect(dashboard["html"]?.stringValue?.contains(#"<span id="user">grace</span>"#) == true, "the script's login")
                // The session's persona, as its renders have it, in the client's page and its worker.
                let persona = try #require(seen["persona"], "\(seen)")
                let probe = try await c.rendered("/", [
                    "session_id": "hand",
                    "config": ["actions": [["type": "evaluate", "expression": "[navigator.userAgent, navigator.hardwareConcurrency]"]]],
                ])
                let rendered = probe["actions_executed"]?[0]?["result"]
                #expect(persona["ua"] == rendered?[0], "\(persona) vs \(String(describing: rendered))")
                #expect(persona["cores"] == rendered?[1])
                #expect(persona["worker_ua"] == persona["ua"] && persona["worker_cores"] == persona["cores"], "\(persona)")
                #expect(persona["ua"]?.stringValue?.contains("HeadlessChrome") == false, "\(persona)")
                #expect(persona["webdriver"] == false)
                let storage = try await c.rendered("/storage/read.html", ["session_id": "hand"])
                let text = storage["html"]?.stringValue ?? ""
                #expect(text.contains(#""from":"render""#) && text.contains(#""written_by":"playwright""#), "\(text)")
            }
        }

        @Test func aSessionWithAProfileIsHandedOverOnItsDirectoryWithTheStealthAsked() async throws {
            try await RenderServer.with { c in
                // The profile's directory holds localStorage (a profile session's is never restored
                // from the session record): the client must see it there.
                _ = try await c.rendered("/storage/write.html?from=render", ["session_id": "prof", "profile": "kept"])
                _ = try await c.server.result(
                    "cookies.set", ["session_id": "prof", "cookies": [["name": "pre", "value": "set", "domain": "127.0.0.1", "path": "/"]]])
                let directory = ProfileLocation.path(of: "kept", tenant: .default)
                let running = await c.renders.profiles.figures().map(\.profile)
                #expect(running == [directory], "the profile's browser runs before the hand-off: \(running)")

                let connection = try await c.connect("prof", stealth: ["preset": "none"])
                let handoff = try c.handoff(connection)
                #expect(await c.renders.profiles.figures().isEmpty, "our browser of the profile closed")
                #expect(await c.renders.profiles.isLent(directory))
                let client = try CDPClientRun.start(
                    "profile", urls: [try #require(connection["ws_url"]?.stringValue)], site: c.url(""), in: c.tmp)
                defer { client.stop() }
                let seen = try await client.seen()
                #expect(seen["storage"]?["from"] == "render", "the profile's own localStorage: \(seen)")
                #expect(seen["cookies"]?["pre"] == "set", "the session's cookies on top: \(seen)")
                #expect(seen["webdriver"] == true, "stealth none is plain Chromium: \(seen)")
                #expect(seen["ua"]?.stringValue?.contains("HeadlessChrome") == true, "\(seen)")

                // Another session of the same profile waits for the directory (here: past its deadline).
                let waiting = try await c.render("/", ["session_id": "other", "profile": "kept", "config": ["timeout_ms": 1500]])
                #expect(waiting["error"]?["code"] == -32004, "\(waiting)")

                #expect(try await client.disconnect() == 0, "\(client.logText)")
                try await c.handoffsEnded(leaving: handoff.pid)
                #expect(await !c.renders.profiles.isLent(directory))
                let storage = try await c.rendered("/storage/read.html", ["session_id": "prof"])
                let text = storage["html"]?.stringValue ?? ""
                #expect(text.contains(#""from":"render""#) && text.contains(#""written_by":"playwright""#), "kept in the directory: \(text)")
                let cookies = try await c.server.result("cookies.get", ["session_id": "prof"])
                let names = cookies["cookies"]?.arrayValue?.compactMap { $0["name"]?.stringValue }.sorted()
                #expect(names == ["from_script", "pre"], "written back: \(cookies)")
            }
        }

        /// The client's own page of a hand-off, on the full browser (which runs cross-site frames in a
        /// renderer of their own): the detection page finds no tell in any realm, its cross-origin frame
        /// included, and every realm shows the session's persona.
        @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: BrowserEngine.chromium.installedBinary)))
        func aHandedOverPageShowsThePersonaInEveryRealmItsCrossSiteFramesIncluded() async throws {
            try await RenderServer.with(pool: { $0.launch.engine = .chromium }) { c in
                try await FixtureServer.withRunning(host: "127.0.0.2") { other in
                    _ = try await c.server.result("session.create", ["session_id": "detect"])
                    let connection = try await c.connect("detect", stealth: ["preset": "high", "hardware_concurrency": 6])
                    let handoff = try c.handoff(connection)
                    let client = try CDPClientRun.start(
                        "detect", urls: [try #require(connection["ws_url"]?.stringValue), other.baseURL], site: c.url(""), in: c.tmp)
                    defer { client.stop() }
                    let seen = try await client.seen()
                    #expect(seen["error"] == .null, "\(seen)")
                    #expect(seen["tells"] == [], "mismatches: \(seen["mismatches"]?.jsonString() ?? ""), lies: \(seen["lies"]?.jsonString() ?? "")")
                    for realm in ["page", "iframe", "cross_iframe", "dedicated", "shared", "service"] {
                        let values = seen["realms"]?[realm]
                        #expect(values?["hardware_concurrency"] == 6, "\(realm): \(values?.jsonString() ?? "no report")")
                        #expect(values?["user_agent"]?.stringValue?.contains("Headless") == false, "\(realm)")
                    }
                    #expect(try await client.disconnect() == 0, "\(client.logText)")
                    try await c.handoffsEnded(leaving: handoff.pid)
                }
            }
        }

        @Test func deletingAHeldProfileSessionEndsItsHandOffBeforeItsDirectoryGoes() async throws {
            try await RenderServer.with { c in
                _ = try await c.rendered("/storage/write.html?from=render", ["session_id": "gone", "profile": "doomed"])
                let path = await c.renders.profiles.root + "/" + ProfileLocation.path(of: "doomed", tenant: .default)
                #expect(FileManager.default.fileExists(atPath: path))
                let pid = try c.handoff(try await c.connect("gone")).pid
                #expect(try await c.server.result("session.delete", ["session_id": "gone"])["deleted"] == true)
                try await c.handoffsEnded(leaving: pid)
                #expect(await !c.renders.profiles.isLent(ProfileLocation.path(of: "doomed", tenant: .default)))
                try await eventually("the profile's directory is removed", timeout: .seconds(10)) {
                    !FileManager.default.fileExists(atPath: path)
                }
                // Nothing the hand-off's browser wrote comes back after it.
                try await Task.sleep(for: .milliseconds(500))
                #expect(!FileManager.default.fileExists(atPath: path))
            }
        }

        @Test func twoSessionsConnectedAtOnceNeverSeeEachOther() async throws {
            try await RenderServer.with { c in
                for id in ["left", "right"] { _ = try await c.server.result("session.create", ["session_id": .string(id)]) }
                let left = try await c.connect("left")
                let right = try await c.connect("right")
                let pids = [try c.handoff(left).pid, try c.handoff(right).pid]
                #expect(pids[0] != pids[1], "a browser process each")
                let client = try CDPClientRun.start(
                    "two", urls: [try #require(left["ws_url"]?.stringValue), try #require(right["http_url"]?.stringValue)],
                    site: c.url(""), in: c.tmp)
                defer { client.stop() }
                let seen = try await client.seen()
                #expect(seen["first_cookies"] == ["only_first"], "the first browser has it: \(seen)")
                #expect(seen["second_cookies"] == [], "\(seen)")
                #expect(seen["second_storage"] == [:], "\(seen)")
                #expect(seen["second_page_urls"]?.arrayValue?.contains { $0.stringValue?.contains("write.html") == true } == false, "\(seen)")
                #expect(try await client.disconnect() == 0, "\(client.logText)")
                for pid in pids { try await c.handoffsEnded(leaving: pid) }
                let leftCookies = try await c.server.result("cookies.get", ["session_id": "left"])["cookies"]
                let rightCookies = try await c.server.result("cookies.get", ["session_id": "right"])["cookies"]
                #expect(leftCookies?.arrayValue?.map { $0["name"] } == ["only_first"])
                #expect(rightCookies == [])
            }
        }

        @Test func browserCloseFromTheClientEndsTheHandOffAndFreesTheSession() async throws {
            try await RenderServer.with { c in
                _ = try await c.server.result("session.create", ["session_id": "closer"])
                let connection = try await c.connect("closer")
                let pid = try c.handoff(connection).pid
                let client = try CDPClientRun.start(
                    "close", urls: [try #require(connection["ws_url"]?.stringValue)], site: c.url(""), in: c.tmp)
                defer { client.stop() }
                #expect(try await client.exit() == 0, "\(client.logText)")
                let seen = try await client.seen()
                #expect(seen["version"]?.stringValue?.contains("Chrome") == true, "\(seen)")
                #expect(seen["close"] == "answered", "\(seen)")
                try await c.handoffsEnded(leaving: pid)
                let cookies = try await c.server.result("cookies.get", ["session_id": "closer"])["cookies"]
                #expect(cookies?.arrayValue?.map { $0["name"] } == ["closing"], "written back after Browser.close: \(String(describing: cookies))")
                #expect(try await c.server.request(.GET, "/metrics").body.contains(#"tidepool_cdp_handoffs_total{ended="browser_close"} 1"#))
                #expect(try await c.rendered("/", ["session_id": "closer"])["status_code"] == 200, "the session is free again")
            }
        }

        @Test func aHandOffWithoutAClientEndsAtItsTTLAndTheSessionIsFreeAgain() async throws {
            try await RenderServer.with { c in
                _ = try await c.server.result("session.create", ["session_id": "idle", "ttl_secs": 30])
                let connection = try await c.connect("idle", ttl: 300)
                // Clamped to the session's remaining life, so it never expires under its holder.
                #expect((connection["ttl_secs"]?.intValue ?? 0) <= 28, "\(connection)")
                let short = try await c.server.result("session.create", ["session_id": "short"])
                #expect(short["session_id"] == "short")
                let brief = try await c.connect("short", ttl: 5)
                #expect(brief["ttl_secs"] == 5)
                let pid = try c.handoff(brief).pid
                try await eventually("the hand-off ran out", timeout: .seconds(30)) { kill(pid, 0) != 0 }
                // Its write-back comes after its browser closed; then the session is free.
                try await eventually("the session is free again") {
                    try await c.server.call("cookies.clear", ["session_id": "short"])["result"] != nil
                }
                #expect(try await c.rendered("/", ["session_id": "short"])["status_code"] == 200)
                #expect(try await c.render("/", ["session_id": "idle"])["error"]?["code"] == -32006, "the other is still held")
            }
        }

        @Test func aHandOffNoClientConnectsToEndsAtTheConnectTimeout() async throws {
            try await RenderServer.with(render: RenderService.Configuration(cdpConnectTimeout: .seconds(2))) { c in
                _ = try await c.server.result("session.create", ["session_id": "nobody-came"])
                let connection = try await c.connect("nobody-came", ttl: 600)
                let pid = try c.handoff(connection).pid
                try await c.handoffsEnded(leaving: pid)
                #expect(try await c.server.request(.GET, "/metrics").body.contains(#"tidepool_cdp_handoffs_total{ended="never_connected"} 1"#))
                let token = try #require(connection["ws_url"]?.stringValue?.split(separator: "/").last)
                #expect(try await c.server.request(.GET, "/cdp/\(token)/json/version").status == 404, "its token ended with it")
                #expect(try await c.rendered("/", ["session_id": "nobody-came"])["status_code"] == 200)
            }
        }

        @Test func deletingAHeldSessionEndsItsHandOff() async throws {
            try await RenderServer.with { c in
                _ = try await c.server.result("session.create", ["session_id": "gone"])
                let pid = try c.handoff(try await c.connect("gone")).pid
                #expect(try await c.server.result("session.delete", ["session_id": "gone"])["deleted"] == true)
                try await c.handoffsEnded(leaving: pid)
                #expect(try await c.server.call("session.get", ["session_id": "gone"])["error"]?["code"] == -32001)
            }
        }

        @Test func connectCallsThatCannotBeServedAreRefusedAndChangeNothing() async throws {
            try await RenderServer.with(render: RenderService.Configuration(maxCDPBrowsers: 1)) { c in
                _ = try await c.server.result("session.create", ["session_id": "one"])
                _ = try await c.server.result("session.create", ["session_id": "two"])
                let refusals: [(JSONValue, Int, String)] = [
                    (["session_id": "nobody"], -32001, "session_id"),
                    ([:], -32602, "session_id"),
                    (["session_id": "one", "ttl_secs": 0], -32602, "ttl_secs"),
                    (["session_id": "one", "ttl_secs": 3601], -32602, "ttl_secs"),
                    (["session_id": "one", "ttl_secs": "long"], -32602, "ttl_secs"),
                    (["session_id": "bad id!"], -32602, "session_id"),
                    (["session_id": "one", "stealth": ["preset": "invisible"]], -32602, "stealth.preset"),
                    (["session_id": "one", "stealth": ["hardware_concurrency": 0]], -32602, "stealth.hardware_concurrency"),
                ]
                for (params, code, field) in refusals {
                    let answer = try await c.server.call("session.connect", params)
                    #expect(answer["error"]?["code"]?.intValue == code, "\(params): \(answer)")
                    if code == -32602 { #expect(answer["error"]?["data"]?["field"]?.stringValue == field, "\(answer)") }
                }
                #expect(c.renders.cdpHandoffCount == 0, "no browser started for a refused call")
                #expect(try await c.rendered("/", ["session_id": "one"])["status_code"] == 200, "and no session held")

                let made = try await c.connect("one")
                let full = try await c.server.call("session.connect", ["session_id": "two"])
                #expect(full["error"]?["code"] == -32006, "\(full)")
                #expect(full["error"]?["data"]?["reason"]?.stringValue?.contains("max_cdp_browsers 1") == true, "\(full)")
                #expect(try await c.rendered("/", ["session_id": "two"])["status_code"] == 200, "the refused session is not held")

                let unknown = String(repeating: "A", count: 43)
                for path in ["/cdp/\(unknown)/json/version", "/cdp/short/json/version", "/cdp/\(unknown)"] {
                    #expect(try await c.server.request(.GET, path).status == 404, "\(path)")
                }
                let token = try #require(made["ws_url"]?.stringValue?.split(separator: "/").last)
                #expect(try await c.server.request(.GET, "/cdp/\(token)").status == 426, "a WebSocket is expected there")
                // Server shutdown (the end of this test) ends the unclaimed hand-off and writes it back.
            }
        }
    }
}
