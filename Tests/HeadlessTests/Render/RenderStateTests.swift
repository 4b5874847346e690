import FixtureServer
import Foundation
@testable import Headless
import RenderTypes
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

extension Chromium {
    @Suite("Render: browser state, isolation, crashes", .serialized)
    struct RenderStateTests {
        static let login = ##"""
            {"actions": [
              {"type": "type", "selector": "#username", "text": "alice"},
              {"type": "type", "selector": "#password", "text": "hunter2"},
              {"type": "click", "selector": "#submit"},
              {"type": "wait", "condition": {"type": "selector", "selector": "#welcome"}}
            ]}
            """##

        @Test func logInOnCallOneAndReadTheDashboardOnCallTwo() async throws {
            try await RenderHarness.with { c in
                let first = try await c.render("/login.html", Self.login, collectState: true)
                #expect(first.result.finalUrl == c.url("/dashboard"))
                let state = try #require(first.state)
                let sid = try #require(state.cookies.first { $0.name == FixtureAccounts.cookieName })
                #expect(sid.httpOnly)
                #expect(first.result.cookiesUpdated == 1)

                let second = try await c.render("/dashboard", state: state)
                #expect(second.result.statusCode == 200)
                #expect(second.result.html?.contains("<span id=\"user\">alice</span>") == true)
            }
        }

        @Test func aRenderWithoutStateStartsLoggedOut() async throws {
            try await RenderHarness.with { c in
                _ = try await c.render("/login.html", Self.login)
                let next = try await c.render("/dashboard")
                #expect(next.result.statusCode == 401)
                #expect(next.result.html?.contains("Not logged in") == true)
            }
        }

        @Test func concurrentRendersNeverShareCookies() async throws {
            try await RenderHarness.with { c in
                func render(_ who: String) async throws -> String? {
                    let json = ##"{"actions": [{"type": "set_cookies", "cookies": [{"name": "who", "value": "\##(who)", "domain": "127.0.0.1"}]}, {"type": "wait", "condition": {"type": "delay", "ms": 300}}, {"type": "navigate", "url": "\##(c.url("/cookies"))"}]}"##
                    return try await c.render("/static.html", json).result.html
                }
                async let a = render("a")
                async let b = render("b")
                let (htmlA, htmlB) = try await (a, b)
                #expect(htmlA?.contains(#"{"who":"a"}"#) == true)
                #expect(htmlB?.contains(#"{"who":"b"}"#) == true)
            }
        }

        @Test func localStorageIsCarriedFromOneRenderToTheNext() async throws {
            try await RenderHarness.with { c in
                let first = try await c.render("/storage/write.html?token=t1&theme=dark", collectState: true)
                let state = try #require(first.state)
                let origin = "http://127.0.0.1:\(c.server.port)"
                #expect(state.localStorage[origin] == ["token": "t1", "theme": "dark"])
                let second = try await c.render("/storage/read.html", state: state)
                #expect(second.result.html?.contains(#"{"theme":"dark","token":"t1"}"#) == true)
                #expect(c.server.counter.count(path: Page.restorePath) == 0)
            }
        }

        @Test func localStorageOfAnOriginLeftByNavigateIsKept() async throws {
            try await RenderHarness.with { c in
                let other = "http://localhost:\(c.server.port)"
                let json = ##"{"actions": [{"type": "navigate", "url": "\##(other)/storage/write.html?b=2"}]}"##
                let outcome = try await c.render("/storage/write.html?a=1", json, collectState: true)
                let storage = try #require(outcome.state?.localStorage)
                #expect(storage["http://127.0.0.1:\(c.server.port)"] == ["a": "1"])
                #expect(storage[other] == ["b": "2"])
            }
        }

        @Test func twoHundredSequentialRendersKeepProcessesAndMemoryBounded() async throws {
            try await RenderHarness.with { c in
                for _ in 0..<20 { _ = try await c.render("/static.html") }
                let pid = try c.browserPid()
                let before = ProcessTable.memory(ofGroup: pid)
                for i in 0..<180 { _ = try await c.render(i % 2 == 0 ? "/static.html" : "/media.html") }
                #expect(try c.browserPid() == pid)
                let after = ProcessTable.memory(ofGroup: pid)
                #expect(after.processes <= before.processes + 2, "processes \(before.processes) → \(after.processes)")
                // Private memory: PSS also moves as other tests' browsers share the same pages or stop.
                let grownMB = (after.privateBytes - before.privateBytes) / 1_048_576
                #expect(grownMB < 100, "private memory grew by \(grownMB) MB over 180 renders")
                #expect(c.pool.stats().contextsLeased == 0)
            }
        }

        @Test func killedBrowserMidRenderIsBrowserCrashedAndThePoolServesAgain() async throws {
            try await RenderHarness.with { c in
                let render = Task { try await c.render("/hang.html", ##"{"timeout_ms": 20000}"##) }
                while c.server.counter.count(path: "/hang") == 0 { try await Task.sleep(for: .milliseconds(20)) }
                let pid = try c.browserPid()
                kill(pid, SIGKILL)
                let error = try await RenderHarness.renderError { try await render.value }
                guard case .browserCrashed(let retried, _) = error else { throw error }
                #expect(retried == false)
                #expect(!TestPools.leftoverProcesses(under: c.tmp).contains { $0.pid == pid })
                // The pool replaces the browser and the next render succeeds.
                let next = try await c.render("/static.html")
                #expect(next.result.statusCode == 200)
            }
        }
    }
}
