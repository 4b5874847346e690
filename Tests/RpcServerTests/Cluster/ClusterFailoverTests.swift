import FixtureServer
import Foundation
import Headless
import NIOHTTP1
import RenderTypes
import Synchronization
import Testing
import TestSupport

extension BrowserSuites {
    /// The owner of a session dies (kill -9) or freezes (SIGSTOP): the other node takes the session
    /// over from the database within seconds, nothing committed is lost, the dead node's browsers
    /// go with it, and a frozen owner's late write-back is refused by the lease's fence.
    @Suite struct ClusterFailoverTests {
        /// The calls of a burst that succeeded, and when.
        final class BurstLog: Sendable {
            struct Entry: Sendable {
                var cookie: String
                var at: ContinuousClock.Instant
                var warnings: [String]
            }

            private let entries = Mutex<[Entry]>([])

            func record(_ entry: Entry) { entries.withLock { $0.append(entry) } }
            var all: [Entry] { entries.withLock { $0 } }
        }

        @Test func killingTheOwnerMidBurstLeavesItsSessionToTheOtherNodeWithinTenSecondsWithEveryCommittedCookie() async throws {
            try await TestCluster.with { cluster in
                let (a, b) = (cluster.node(0), cluster.node(1))
                let page = cluster.site.url("/static.html")
                _ = try await a.result("session.create", ["session_id": "k", "keep_warm": true])
                _ = try await a.rendered(
                    cluster.site.url("/login.html"), ["session_id": "k", "config": ["actions": loginActions(user: "kim")]])
                let browsers = TestCluster.browserGroups(of: cluster.nodes[0])
                #expect(!browsers.isEmpty)

                // The burst: calls through the other node, one after another, each setting a cookie
                // of its own (forwarded to the owner while it lives, then served by the other node).
                let log = BurstLog()
                let burst = Task {
                    var index = 0
                    while !Task.isCancelled {
                        let name = "b\(index)"
                        index += 1
                        let params: [String: JSONValue] = [
                            "session_id": "k", "config": ["actions": [settingCookie(name)], "timeout_ms": 30_000],
                        ]
                        guard let result = (try? await b.render(page, params))?["result"] else { continue }
                        let warnings = result["warnings"]?.arrayValue?.compactMap(\.stringValue) ?? []
                        log.record(.init(cookie: name, at: .now, warnings: warnings))
                    }
                }
                try await eventually("calls forwarded to the owner") {
                    try await b.metric(ClusterForwardingTests.forwarded) >= 3 && log.all.count >= 3
                }
                let killedAt = ContinuousClock.now
                try await cluster.nodes[0].stop(with: SIGKILL)
                try await eventually("two calls served after the kill", timeout: .seconds(30)) {
                    log.all.filter { $0.at > killedAt }.count >= 2
                }
                burst.cancel()
                await burst.value

                // A call the owner answered just before it died may be logged after the kill: the
                // first one the other node served says it took the session over.
                let afterKill = log.all.filter { $0.at > killedAt }
                let first = try #require(
                    afterKill.first { $0.warnings.contains { $0.contains("taken over from node node-0") } },
                    "\(afterKill.map(\.warnings))")
                #expect(afterKill.firstIndex { $0.cookie == first.cookie }! <= 1, "at most one answer of the owner's after the kill")
                #expect(first.at - killedAt < .seconds(10), "the session answered \(first.at - killedAt) after the kill")
                #expect(first.warnings.contains { $0.contains("warm context was rebuilt") })
                #expect(try await b.metric("tidepool_cluster_takeovers_total") == 1, "taken over once, then owned")
                // Every cookie whose call succeeded is in the session, the login's too.
                let stored = try await b.result("cookies.get", ["session_id": "k"])["cookies"]?.arrayValue ?? []
                let names = Set(stored.compactMap { $0["name"]?.stringValue })
                let committed = Set(log.all.map(\.cookie))
                #expect(committed.isSubset(of: names), "lost: \(committed.subtracting(names).sorted())")
                let dashboard = try await b.rendered(cluster.site.url("/dashboard"), ["session_id": "k"])
                #expect(dashboard["html"]?.stringValue?.contains(#"<span id="user">kim</span>"#) == true)
                // The dead node's browsers exit by themselves: their CDP pipe closed with it.
                try await eventually("the dead node's browsers exited", timeout: .seconds(10)) {
                    browsers.allSatisfy { ProcessTable.liveMembers(ofGroup: $0).isEmpty }
                }
            }
        }

        @Test func aFrozenOwnersLateWriteBackIsRefusedByTheFence() async throws {
            try await TestCluster.with { cluster in
                let (a, b) = (cluster.node(0), cluster.node(1))
                _ = try await a.result("session.create", ["session_id": "f", "keep_warm": true])
                _ = try await a.rendered(cluster.site.url("/static.html"), ["session_id": "f", "config": ["actions": [settingCookie("first")]]])
                // A slow render on the owner holds the session's lease; the owner freezes during it.
                let slowParams: [String: JSONValue] = [
                    "session_id": "f", "config": ["actions": [settingCookie("late")], "timeout_ms": 60_000],
                ]
                let slowPage = cluster.site.url("/slow?ms=2500")
                let slow = Task { try await a.render(slowPage, slowParams) }
                // The page is being fetched: the owner holds the session's lease for this render.
                try await eventually("the slow render began") { cluster.site.counter.count(path: "/slow") == 1 }
                let owner = cluster.nodes[0].process.processIdentifier
                kill(owner, SIGSTOP)
                do {
                    // Its heartbeats stop: once the other node counts it gone (5 s), that node takes the
                    // session over as soon as the frozen lease runs out (5 s, no renewal).
                    try await eventually("node-0 counts as gone") {
                        let nodes = try await b.result("cluster.nodes")["nodes"]?.arrayValue ?? []
                        return nodes.contains { $0["node_id"] == "node-0" && $0["alive"] == false }
                    }
                    let taken = try await b.rendered(
                        cluster.site.url("/static.html"), ["session_id": "f", "config": ["actions": [settingCookie("fresh")]]])
                    let warnings = taken["warnings"]?.arrayValue?.compactMap(\.stringValue) ?? []
                    #expect(warnings.contains { $0.contains("taken over from node node-0 (no heartbeat for") }, "\(warnings)")
                    kill(owner, SIGCONT)
                } catch {
                    kill(owner, SIGCONT)
                    throw error
                }
                // The owner wakes and finishes its render: its write-back carries a stale token.
                let late = try await slow.value
                let lateWarnings = late["result"]?["warnings"]?.arrayValue?.compactMap(\.stringValue) ?? []
                #expect(lateWarnings.contains { $0.contains("lease on the session ran out") }, "\(late.jsonString())")
                let stored = try await b.result("cookies.get", ["session_id": "f"])["cookies"]?.arrayValue ?? []
                let names = Set(stored.compactMap { $0["name"]?.stringValue })
                #expect(names == ["first", "fresh"], "the late write-back was never applied")
                #expect(try await a.metric("tidepool_cluster_leases_lost_total") == 1)
            }
        }

        @Test func aProfileSessionStillAnswersFromAnotherNodeAfterItsNodeDies() async throws {
            try await TestCluster.with { cluster in
                let (a, b) = (cluster.node(0), cluster.node(1))
                _ = try await a.rendered(
                    cluster.site.url("/login.html"),
                    ["session_id": "p", "profile": "owned", "config": ["actions": loginActions(user: "pat")]])
                let browsers = TestCluster.browserGroups(of: cluster.nodes[0])
                try await cluster.nodes[0].stop(with: SIGKILL)
                // Through the other node: the owner does not answer, so this node takes the session
                // over, with a profile browser of its own and the session's cookies from the database.
                let dashboard = try await b.rendered(cluster.site.url("/dashboard"), ["session_id": "p"])
                #expect(dashboard["html"]?.stringValue?.contains(#"<span id="user">pat</span>"#) == true)
                let warnings = dashboard["warnings"]?.arrayValue?.compactMap(\.stringValue) ?? []
                #expect(warnings.contains { $0.contains("profile owned renders from this node's profiles directory") }, "\(warnings)")
                #expect(try await b.result("pool.stats")["profile_browsers"]?.arrayValue?.count == 1)
                try await eventually("the dead node's browsers exited", timeout: .seconds(10)) {
                    browsers.allSatisfy { ProcessTable.liveMembers(ofGroup: $0).isEmpty }
                }
            }
        }
    }
}
