import AsyncSupport
import Synchronization
import Testing
import TestSupport

/// The one-key lock waiting in turn (the SQLite backend's transactions), and the small helpers.
@Suite struct SerialLockTests {
    @Test func inTurnWaitersRunOneAtATimeInArrivalOrder() async throws {
        let lock = SerialLock()
        let tally = Tally()
        let release = AsyncLatch<Void>()
        let holder = Task { await lock.withLockInTurn { () async in _ = await release.wait() } }
        try await eventually("the holder has the lock") { await !Self.isFree(lock) }
        var tasks: [Task<Void, Never>] = []
        for index in 1...4 {
            tasks.append(Task {
                await lock.withLockInTurn { () async in
                    tally.enter(index)
                    try? await Task.sleep(for: .milliseconds(2))
                    tally.leave()
                }
            })
            try await eventually("waiter \(index) queued") { lock.waiting == index }
        }
        release.resolve(())
        await holder.value
        for task in tasks { await task.value }
        #expect(tally.state.withLock { $0.order } == [1, 2, 3, 4])
        #expect(tally.state.withLock { $0.mostInside } == 1)
    }

    @Test func anInTurnWaiterIsNotCancelledOutOfItsTurn() async throws {
        let lock = SerialLock()
        let release = AsyncLatch<Void>()
        let holder = Task { await lock.withLockInTurn { () async in _ = await release.wait() } }
        try await eventually("the holder has the lock") { await !Self.isFree(lock) }
        let waiter = Task { await lock.withLockInTurn { () async in "ran" } }
        try await eventually("the waiter queued") { lock.waiting == 1 }
        waiter.cancel()
        release.resolve(())
        await holder.value
        #expect(await waiter.value == "ran", "a transaction queued behind others still runs")
    }

    @Test func aBoundedWaiterIsRefusedAtItsDeadline() async throws {
        let lock = SerialLock(maxWaiters: 1)
        let release = AsyncLatch<Void>()
        let holder = Task { try await lock.withLock(deadline: .now + .seconds(30)) { _ = await release.wait() } }
        try await eventually("the holder has the lock") { await !Self.isFree(lock) }
        await #expect(throws: LockRefusal.timedOut) {
            try await lock.withLock(deadline: .now + .milliseconds(30)) {}
        }
        release.resolve(())
        try await holder.value
    }

    @Test func withTimeLimitGivesTheFallbackWhenTheOperationIsSlow() async {
        #expect(await withTimeLimit(.milliseconds(20), otherwise: -1) { 5 } == 5)
        #expect(await withTimeLimit(.milliseconds(20), otherwise: -1) {
            try? await Task.sleep(for: .seconds(30))
            return 5
        } == -1)
    }

    @Test func withoutCancellationFinishesTheOperationOfACancelledCaller() async {
        let finished = AsyncLatch<Bool>()
        let caller = Task {
            await withoutCancellation {
                try? await Task.sleep(for: .milliseconds(50))
                finished.resolve(!Task.isCancelled)
            }
        }
        caller.cancel()
        await caller.value
        #expect(await finished.wait() == true, "the cleanup ran to its end, not cancelled")
    }

    /// Whether nobody holds the lock (probed with an attempt that cannot wait).
    static func isFree(_ lock: SerialLock) async -> Bool {
        do {
            try await lock.withLock(deadline: .now) {}
            return true
        } catch {
            return false
        }
    }
}
