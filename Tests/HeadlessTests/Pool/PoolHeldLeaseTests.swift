import Foundation
@testable import Headless
import RenderTypes
import Testing
import TestSupport

extension Chromium {
    /// Held leases (`checkout` … `checkin`): a context that outlives one closure, with the same
    /// disposal guarantee as `withLease`, given back by the pool itself when it needs the slot.
    @Suite struct PoolHeldLeaseTests {
        private let scratch = try! TemporaryDirectory()
        private var tmp: String { scratch.path }

        /// The browser contexts that exist in the browser of `connection`.
        private func contexts(_ connection: CDPConnection) async throws -> [String] {
            try await connection.send(CDP.Target.GetBrowserContexts()).browserContextIds
        }

        private func setCookie(_ held: HeldLease) async throws {
            _ = try await held.page.connection.send(
                method: "Storage.setCookies",
                params: [
                    "cookies": [["name": "kept", "value": "1", "domain": "example.test", "path": "/"]],
                    "browserContextId": .string(held.browserContextId),
                ])
        }

        private func cookieCount(_ held: HeldLease) async throws -> Int {
            let reply = try await held.page.connection.send(
                method: "Storage.getCookies", params: ["browserContextId": .string(held.browserContextId)])
            return reply["cookies"]?.arrayValue?.count ?? 0
        }

        @Test func parkedLeaseKeepsItsContextAndARenewedPageAcrossCalls() async throws {
            try await TestPools.with(TestPools.config(tmp: tmp)) { pool in
                let held = try await pool.checkout(deadline: TestPools.farDeadline())
                try await setCookie(held)
                let firstPage = held.page.targetId
                #expect(pool.park(held))
                #expect(pool.stats().contextsParked == 1)
                try await pool.renewPage(held)
                #expect(held.page.targetId != firstPage)
                #expect(pool.unpark(held))
                #expect(try await cookieCount(held) == 1)
                let title = try await held.page.send(CDP.Runtime.Evaluate(expression: "document.URL"))
                #expect(title.result.value == "about:blank")
                #expect(pool.checkin(held) == .returned)
                #expect(pool.checkin(held) == .alreadyReturned)
                let stats = pool.stats()
                #expect(stats.contextsHeld == 0)
                #expect(stats.contextsLeased == 0)
                let connection = held.page.connection
                try await eventually("the context disposed") {
                    try await !contexts(connection).contains(held.browserContextId)
                }
            }
        }

        /// One browser with one context slot and nothing prewarmed: a held lease takes the whole pool.
        private var singleSlot: BrowserPoolConfig {
            var config = TestPools.config(tmp: tmp)
            config.contextsPerBrowser = 1
            config.prewarmContexts = 0
            return config
        }

        @Test func queuedLeaseTakesAParkedContextBack() async throws {
            try await TestPools.with(singleSlot) { pool in
                let held = try await pool.checkout(deadline: TestPools.farDeadline())
                #expect(pool.park(held))
                let served = try await pool.withLease(deadline: .now + .seconds(10)) { _ in true }
                #expect(served)
                #expect(!held.isHeld)
                #expect(!pool.unpark(held))
                #expect(pool.stats().contextsHeld == 0)
            }
        }

        @Test func aQueuedLeaseTakesAParkedSpareBackBeforeAPromisedContextParkedLonger() async throws {
            var config = singleSlot
            config.contextsPerBrowser = 2
            try await TestPools.with(config) { pool in
                let promised = try await pool.checkout(deadline: TestPools.farDeadline())
                #expect(pool.park(promised))
                let spare = try await pool.checkout(deadline: TestPools.farDeadline(), spare: true)
                #expect(pool.park(spare))
                let served = try await pool.withLease(deadline: .now + .seconds(10)) { _ in true }
                #expect(served)
                #expect(!spare.isHeld)
                #expect(promised.isHeld)
                #expect(pool.unpark(promised))
            }
        }

        @Test func overItsMemoryThresholdABrowserGivesBackItsParkedSparesFirstAndDrainsOnlyIfStillOver() async throws {
            var config = TestPools.config(tmp: tmp, contextsPerBrowser: 3)
            config.memoryThresholdMB = 1
            try await TestPools.with(config) { pool in
                let browser = try await TestPools.waitUntil(pool, "a ready browser") { $0.readyBrowsers == 1 }.browsers[0].id
                let spare = try await pool.checkout(deadline: TestPools.farDeadline(), spare: true)
                let promised = try await pool.checkout(deadline: TestPools.farDeadline())
                #expect(pool.park(spare))
                #expect(pool.park(promised))
                await pool.maintain()
                #expect(!spare.isHeld)
                #expect(promised.isHeld)
                #expect(pool.stats().browsers.first { $0.id == browser }?.state == "ready")
                // Still over the threshold (1 MB) at the next round: the browser drains, and the
                // promised context goes with it.
                await pool.maintain()
                try await TestPools.waitUntil(pool, "a replacement") { stats in
                    !stats.browsers.contains { $0.id == browser } && stats.readyBrowsers == 1
                }
                #expect(!promised.isHeld)
            }
        }

        @Test func leaseInUseIsNotTakenBackButGoesBackWhenParkedWhileOthersWait() async throws {
            try await TestPools.with(singleSlot) { pool in
                let held = try await pool.checkout(deadline: TestPools.farDeadline())
                async let waiting = pool.withLease(deadline: .now + .seconds(10)) { _ in true }
                try await TestPools.waitUntil(pool, "a queued lease") { $0.queueLength == 1 }
                #expect(held.isHeld)
                #expect(!pool.park(held), "parking while a lease waits gives the context back")
                #expect(try await waiting)
            }
        }

        @Test func droppedHeldLeaseIsCheckedIn() async throws {
            try await TestPools.with(TestPools.config(tmp: tmp)) { pool in
                var held: HeldLease? = try await pool.checkout(deadline: TestPools.farDeadline())
                #expect(pool.stats().contextsHeld == 1)
                _ = held
                held = nil
                let stats = pool.stats()
                #expect(stats.contextsHeld == 0)
                #expect(stats.contextsLeased == 0)
            }
        }

        @Test func shutdownTakesParkedLeasesBackWithoutWaitingForThem() async throws {
            var config = TestPools.config(tmp: tmp)
            config.shutdownTimeout = .seconds(60)
            let started = ContinuousClock.now
            let held: HeldLease = try await TestPools.with(config) { pool in
                let held = try await pool.checkout(deadline: TestPools.farDeadline())
                #expect(pool.park(held))
                return held
            }
            // The graceful shutdown drained and closed the browser although the lease was never checked in.
            #expect(ContinuousClock.now - started < config.shutdownTimeout)
            #expect(!held.isHeld)
            #expect(TestPools.leftoverProcesses(under: tmp).isEmpty)
        }
    }
}
