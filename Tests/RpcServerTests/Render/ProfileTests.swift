import FixtureServer
import Foundation
import Headless
@testable import Rendering
import RenderTypes
@testable import RpcServer
import SessionContext
import Testing
import TestSupport

extension BrowserSuites {
    /// Named profiles: a session with a profile renders in that profile's own Chromium process on
    /// `<profiles root>/<name>`, so what the site stores on disk (IndexedDB) persists across calls and
    /// server restarts; at most `max_profile_browsers` run at once; ending the session closes its
    /// browser and removes the directory.
    @Suite struct ProfileTests {
        static let writeIndexedDB = """
            new Promise((resolve, reject) => {
              const open = indexedDB.open("tide", 1);
              open.onupgradeneeded = () => open.result.createObjectStore("kv");
              open.onerror = () => reject(open.error);
              open.onsuccess = () => {
                const tx = open.result.transaction("kv", "readwrite");
                tx.objectStore("kv").put("pearl", "shell");
                tx.oncomplete = () => { open.result.close(); resolve("stored"); };
                tx.onerror = () => reject(tx.error);
              };
            })
            """

        static let readIndexedDB = """
            new Promise((resolve, reject) => {
              const open = indexedDB.open("tide", 1);
              open.onupgradeneeded = () => open.result.createObjectStore("kv");
              open.onerror = () => reject(open.error);
              open.onsuccess = () => {
                const get = open.result.transaction("kv").objectStore("kv").get("shell");
                get.onsuccess = () => { const value = get.result ?? null; open.result.close(); resolve(value); };
                get.onerror = () => reject(get.error);
              };
            })
            """

        static func evaluate(_ expression: String) -> JSONValue {
            ["actions": [["type": "evaluate", "expression": .string(expression)]]]
        }

        static func firstResult(_ result: JSONValue) -> JSONValue? {
            result["actions_executed"]?.arrayValue?.first?["result"]
        }

        @Test func profileSessionKeepsIndexedDBAcrossAServerRestart() async throws {
            let data = try TemporaryDirectory.make()
            defer { try? FileManager.default.removeItem(atPath: data) }
            let sqlite: (inout SessionsConfiguration) -> Void = { $0.backend = .sqlite; $0.dataDirectory = data }
            try await FixtureServer.withRunning { site in
                try await RenderServer.with(sessions: sqlite, site: site) { c in
                    let written = try await c.rendered(
                        "/static.html", ["session_id": "keeper", "profile": "alice", "config": Self.evaluate(Self.writeIndexedDB)])
                    #expect(Self.firstResult(written) == "stored")
                    let stats = try await c.server.result("pool.stats")
                    let profileBrowser = try #require(stats["profile_browsers"]?.arrayValue?.first)
                    #expect(profileBrowser["profile"] == "alice")
                    let pid = try #require(profileBrowser["pid"]?.intValue)
                    #expect(!c.pool.stats().browsers.contains { $0.pid == Int32(pid) }, "a profile gets its own browser")
                    #expect(try await c.server.result("session.get", ["session_id": "keeper"])["profile"] == "alice")
                }
                #expect(FileManager.default.fileExists(atPath: data + "/profiles/alice"))
                try await RenderServer.with(sessions: sqlite, site: site) { c in
                    // The stored session knows its profile: no need to name it again.
                    let read = try await c.rendered("/static.html", ["session_id": "keeper", "config": Self.evaluate(Self.readIndexedDB)])
                    #expect(Self.firstResult(read) == "pearl")
                    // Without the profile, a fresh context has no such database.
                    let fresh = try await c.rendered("/static.html", ["session_id": "other", "config": Self.evaluate(Self.readIndexedDB)])
                    #expect(Self.firstResult(fresh) == .null)
                }
            }
        }

        @Test func cancelledProfileRenderIsCancelledNotAnInternalError() async throws {
            try await RenderServer.with { c in
                _ = try await c.rendered("/static.html", ["profile": "gina"])  // its browser runs from now on
                let params = RenderParams(url: c.url("/static.html"), profile: "gina")
                let cancelled = Task {
                    withUnsafeCurrentTask { $0?.cancel() }
                    return try await c.renders.render(params, logger: testLogger())
                }
                let error = await #expect(throws: RpcErrorObject.self) { try await cancelled.value }
                #expect(error?.code == -32004, "cancelled: \(String(describing: error))")
                // The profile's browser is free again and serves the next call.
                _ = try await c.rendered("/static.html", ["profile": "gina"])
            }
        }

        @Test func userDataDirInsideTheProfilesRootNamesTheProfile() async throws {
            try await RenderServer.with { c in
                let root = c.renders.profileLocation.root
                _ = try await c.rendered("/static.html", ["user_data_dir": .string(root + "/bob")])
                _ = try await c.rendered("/static.html", ["user_data_dir": "carol"])
                let names = try await c.server.result("pool.stats")["profile_browsers"]?.arrayValue?.compactMap { $0["profile"]?.stringValue }
                #expect(names == ["bob", "carol"])
                #expect(FileManager.default.fileExists(atPath: root + "/bob"))
            }
        }

        @Test func deletingTheSessionClosesItsProfileBrowserAndRemovesItsDirectory() async throws {
            try await RenderServer.with { c in
                _ = try await c.rendered("/static.html", ["session_id": "leaving", "profile": "dave"])
                let pid = try #require(await c.renders.profiles.pids().first)
                let directory = c.renders.profileLocation.root + "/dave"
                #expect(FileManager.default.fileExists(atPath: directory))
                #expect(try await c.server.result("session.delete", ["session_id": "leaving"])["deleted"] == true)
                #expect(ProcessTable.liveMembers(ofGroup: pid).isEmpty)
                #expect(!FileManager.default.fileExists(atPath: directory))
                #expect(await c.renders.profiles.count == 0)
            }
        }

        @Test func atMostMaxProfileBrowsersRunAndAnIdleOneMakesRoom() async throws {
            let render = RenderService.Configuration(maxProfileBrowsers: 1, renderer: .init(actionTimeout: .seconds(2)))
            try await RenderServer.with(render: render) { c in
                _ = try await c.rendered("/static.html", ["profile": "erin"])
                let erin = try #require(await c.renders.profiles.pids().first)
                _ = try await c.rendered("/static.html", ["profile": "frank"])
                let figures = await c.renders.profiles.figures()
                #expect(figures.map(\.profile) == ["frank"])
                #expect(ProcessTable.liveMembers(ofGroup: erin).isEmpty)

                // Frank's browser is busy: Grace waits for it, until her deadline.
                async let busy = c.render("/hang.html", ["profile": "frank", "config": ["timeout_ms": 4000]])
                try await eventually("frank's render loading") { c.site.counter.count(path: "/hang") >= 1 }
                let error = try await c.renderError("/static.html", ["profile": "grace", "config": ["timeout_ms": 1000]])
                #expect(error["code"] == -32004)
                #expect(error["data"]?["stage"] == "queue")
                _ = try await busy
                #expect(await c.renders.profiles.count == 1)
            }
        }

        @Test func idleProfileBrowserCloses() async throws {
            let render = RenderService.Configuration(profileIdleTimeout: .seconds(1), renderer: .init(actionTimeout: .seconds(2)))
            try await RenderServer.with(render: render) { c in
                _ = try await c.rendered("/static.html", ["profile": "heidi"])
                let pid = try #require(await c.renders.profiles.pids().first)
                try await eventually("the idle profile browser closed") { await c.renders.profiles.count == 0 }
                #expect(ProcessTable.liveMembers(ofGroup: pid).isEmpty)
            }
        }

        @Test func expiryCleanupClosesTheProfileBrowserBeforeRemovingItsDirectory() async throws {
            let clock = manualClock()
            try await RenderServer.with(clock: clock) { c in
                _ = try await c.server.result("session.create", ["session_id": "mortal", "profile": "kurt", "ttl_secs": 60])
                _ = try await c.rendered("/static.html", ["session_id": "mortal"])
                let pid = try #require(await c.renders.profiles.pids().first)
                clock.advance(by: 61)
                #expect(try await c.server.result("session.cleanup")["removed"] == 1)
                #expect(ProcessTable.liveMembers(ofGroup: pid).isEmpty)
                #expect(!FileManager.default.fileExists(atPath: c.renders.profileLocation.root + "/kurt"))
            }
        }

        @Test func sessionBoundToAProfileRefusesAnotherOne() async throws {
            try await RenderServer.with { c in
                _ = try await c.server.result("session.create", ["session_id": "bound", "profile": "ivan"])
                let error = try await c.renderError("/static.html", ["session_id": "bound", "profile": "judy"])
                #expect(error["code"] == -32602)
                #expect(error["data"]?["field"] == "profile")
                #expect(try await c.server.result("session.get", ["session_id": "bound"])["request_count"] == 0)
            }
        }
    }
}
