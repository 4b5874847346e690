import Foundation
@testable import Headless
import RenderTypes
import Testing
import TestSupport

extension Chromium {
    /// The lease queue against a real pool whose only slot is held.
    @Suite struct PoolQueueTests {
        /// Temporary profiles of this test's pool live here, so leftovers can be found; removed after.
        private let scratch = try! TemporaryDirectory()
        private var tmp: String { scratch.path }

        /// One browser, one slot: every further lease queues.
        private func singleSlot(maxQueue: Int = 100) -> BrowserPoolConfig {
            var config = TestPools.config(tmp: tmp)
            config.contextsPerBrowser = 1
            config.maxQueue = maxQueue
            return config
        }

        /// Holds the pool's only slot until `gate` opens.
        private func holdSlot(_ pool: BrowserPool, until gate: Gate) async throws -> Task<Void, any Error> {
            let holder = Task { try await pool.withLease(deadline: TestPools.farDeadline()) { _ in await gate.wait() } }
            try await TestPools.waitUntil(pool, "the held slot") { $0.contextsLeased == 1 }
            return holder
        }

        @Test func queuedLeasesAreServedHighBeforeNormalBeforeLowFirstComeFirstServedWithin() async throws {
            try await TestPools.with(singleSlot()) { pool in
                let gate = Gate()
                let holder = try await holdSlot(pool, until: gate)
                let served = Recorder<String>()
                var waiters: [Task<Void, any Error>] = []
                let arrivals: [(RenderPriority, String)] = [
                    (.low, "low1"), (.normal, "normal1"), (.high, "high1"), (.normal, "normal2"), (.low, "low2"),
                    (.high, "high2"),
                ]
                for (index, (priority, name)) in arrivals.enumerated() {
                    waiters.append(Task {
                        try await pool.withLease(priority: priority, deadline: TestPools.farDeadline()) { _ in
                            served.append(name)
                        }
                    })
                    try await TestPools.waitUntil(pool, "\(name) queued") { $0.queueLength == index + 1 }
                }
                #expect(pool.stats().queueHigh == 2)
                gate.open()
                try await holder.value
                for waiter in waiters { try await waiter.value }
                #expect(served.all == ["high1", "high2", "normal1", "normal2", "low1", "low2"])
            }
        }

        @Test func fullQueueRefusesAtOnceWithOverloadedAndARetryHint() async throws {
            try await TestPools.with(singleSlot(maxQueue: 2)) { pool in
                let gate = Gate()
                let holder = try await holdSlot(pool, until: gate)
                let queued = (0..<2).map { _ in
                    Task { try await pool.withLease(deadline: TestPools.farDeadline()) { _ in } }
                }
                try await TestPools.waitUntil(pool, "two queued") { $0.queueLength == 2 }
                do {
                    try await pool.withLease(deadline: TestPools.farDeadline()) { _ in }
                    Issue.record("a lease beyond max_queue was accepted")
                } catch let PoolError.overloaded(queueLength, retryAfterMs) {
                    #expect(queueLength == 2)
                    #expect(retryAfterMs > 0)
                }
                #expect(pool.stats().overloadedRejections == 1)
                gate.open()
                try await holder.value
                for task in queued { try await task.value }
            }
        }

        @Test func queuedLeaseWhoseDeadlinePassesFailsWithQueueTimeout() async throws {
            try await TestPools.with(singleSlot()) { pool in
                let gate = Gate()
                let holder = try await holdSlot(pool, until: gate)
                do {
                    try await pool.withLease(deadline: .now + .milliseconds(200)) { _ in }
                    Issue.record("lease served while the only slot was held")
                } catch let PoolError.queueTimeout(waitedMs) {
                    #expect(waitedMs >= 150)
                }
                #expect(pool.stats().queueLength == 0)
                #expect(pool.stats().queueTimeouts == 1)
                gate.open()
                try await holder.value
            }
        }

        @Test func cancelledWaiterLeavesTheQueueWithCancellationError() async throws {
            try await TestPools.with(singleSlot()) { pool in
                let gate = Gate()
                let holder = try await holdSlot(pool, until: gate)
                let waiter = Task { try await pool.withLease(deadline: TestPools.farDeadline()) { _ in } }
                try await TestPools.waitUntil(pool, "the waiter queued") { $0.queueLength == 1 }
                waiter.cancel()
                await #expect(throws: CancellationError.self) { try await waiter.value }
                #expect(pool.stats().queueLength == 0)
                gate.open()
                try await holder.value
                // The slot is usable again.
                try await pool.withLease(deadline: TestPools.farDeadline()) { _ in }
            }
        }

        @Test func manyConcurrentLeasesAllCompleteOnAtMostMaxBrowsersAndLeaveNothingBehind() async throws {
            var config = TestPools.config(tmp: tmp)
            config.maxPoolSize = 2
            config.contextsPerBrowser = 3
            let browsersSeen = Recorder<BrowserID>()
            try await TestPools.with(config) { pool in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<30 {
                        group.addTask {
                            let priority: RenderPriority = [.high, .normal, .low][index % 3]
                            try await pool.withLease(priority: priority, deadline: TestPools.farDeadline()) { lease in
                                browsersSeen.append(lease.browser)
                                let value = try await lease.page.send(CDP.Runtime.Evaluate(expression: "\(index) * 2"))
                                #expect(value.result.value == .int(index * 2))
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                let stats = pool.stats()
                #expect(stats.leasesServed == 30)
                #expect(stats.contextsLeased == 0)
                #expect(stats.queueLength == 0)
                #expect(stats.browsers.count <= 2)
                #expect(Set(browsersSeen.all).count <= 2)
            }
        }

        @Test func leasesWaitForAFreeSlotAndAreServedWhenOneFrees() async throws {
            try await TestPools.with(singleSlot()) { pool in
                let gate = Gate()
                let holder = try await holdSlot(pool, until: gate)
                let waiter = Task {
                    try await pool.withLease(deadline: TestPools.farDeadline()) { lease in
                        try await lease.page.send(CDP.Runtime.Evaluate(expression: "21 * 2")).result.value
                    }
                }
                try await TestPools.waitUntil(pool, "the waiter queued") { $0.queueLength == 1 }
                gate.open()
                try await holder.value
                #expect(try await waiter.value == 42)
            }
        }
    }
}
