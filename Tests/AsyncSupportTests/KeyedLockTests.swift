import AsyncSupport
import Synchronization
import Testing
import TestSupport

/// The per-key lock that runs one render per session at a time and gates session creation.
@Suite struct KeyedLockTests {
    @Test func waitersOfOneKeyGetTheLockOneAtATimeInArrivalOrder() async throws {
        let lock = KeyedLock<String>()
        let tally = Tally()
        let release = AsyncLatch<Void>()
        let holder = Task {
            try await lock.withLock("s", deadline: .now + .seconds(30)) { _ = await release.wait() }
        }
        try await eventually("the first caller holds the lock") { await lock.isHeld("s") }
        var waiters: [Task<Void, any Error>] = []
        for index in 1...5 {
            waiters.append(Task {
                try await lock.withLock("s", deadline: .now + .seconds(30)) {
                    tally.enter(index)
                    try await Task.sleep(for: .milliseconds(2))
                    tally.leave()
                }
            })
            try await eventually("waiter \(index) queued") { lock.waiting(for: "s") == index }
        }
        release.resolve(())
        try await holder.value
        for waiter in waiters { try await waiter.value }
        #expect(tally.state.withLock { $0.order } == [1, 2, 3, 4, 5])
        #expect(tally.state.withLock { $0.mostInside } == 1)
        #expect(lock.waiting(for: "s") == 0)
    }

    @Test func differentKeysDoNotWaitForEachOther() async throws {
        let lock = KeyedLock<String>()
        let release = AsyncLatch<Void>()
        let holder = Task { try await lock.withLock("a", deadline: .now + .seconds(30)) { _ = await release.wait() } }
        defer { release.resolve(()) }
        // "a" is held until the end of the test: "b" must not wait for it.
        let ran = try await lock.withLock("b", deadline: .now + .seconds(30)) { true }
        #expect(ran)
        release.resolve(())
        try await holder.value
    }

    @Test func waiterPastItsDeadlineIsRefusedAsTimedOutAndLeavesTheQueue() async throws {
        let lock = KeyedLock<String>()
        let release = AsyncLatch<Void>()
        let holder = Task { try await lock.withLock("s", deadline: .now + .seconds(30)) { _ = await release.wait() } }
        try await eventually("the lock is held") { await lock.isHeld("s") }
        await #expect(throws: KeyedLock<String>.Refusal.timedOut) {
            try await lock.withLock("s", deadline: .now + .milliseconds(50)) {}
        }
        #expect(lock.waiting(for: "s") == 0)
        release.resolve(())
        try await holder.value
    }

    @Test func fullQueueRefusesAtOnceWithTheNumberWaiting() async throws {
        let lock = KeyedLock<String>(maxWaiters: 2)
        let release = AsyncLatch<Void>()
        let holder = Task { try await lock.withLock("s", deadline: .now + .seconds(30)) { _ = await release.wait() } }
        try await eventually("the lock is held") { await lock.isHeld("s") }
        let waiters = (0..<2).map { _ in Task { try await lock.withLock("s", deadline: .now + .seconds(30)) {} } }
        try await eventually("two callers wait") { lock.waiting(for: "s") == 2 }
        await #expect(throws: KeyedLock<String>.Refusal.tooManyWaiters(waiting: 2)) {
            try await lock.withLock("s", deadline: .now + .seconds(30)) {}
        }
        release.resolve(())
        try await holder.value
        for waiter in waiters { try await waiter.value }
    }

    @Test func cancelledWaiterThrowsCancellationErrorAndTheNextWaiterStillGetsTheLock() async throws {
        let lock = KeyedLock<String>()
        let release = AsyncLatch<Void>()
        let holder = Task { try await lock.withLock("s", deadline: .now + .seconds(30)) { _ = await release.wait() } }
        try await eventually("the lock is held") { await lock.isHeld("s") }
        let cancelled = Task { try await lock.withLock("s", deadline: .now + .seconds(30)) { "ran" } }
        try await eventually("the first waiter queued") { lock.waiting(for: "s") == 1 }
        let next = Task { try await lock.withLock("s", deadline: .now + .seconds(30)) { "ran" } }
        try await eventually("the second waiter queued") { lock.waiting(for: "s") == 2 }
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        #expect(lock.waiting(for: "s") == 1)
        release.resolve(())
        try await holder.value
        #expect(try await next.value == "ran")
        #expect(lock.waiting(for: "s") == 0)
    }
}

extension KeyedLock {
    /// Whether someone holds `key` (probed with a lock attempt that cannot wait).
    func isHeld(_ key: Key) async -> Bool {
        do {
            try await withLock(key, deadline: .now) {}
            return false
        } catch {
            return true
        }
    }
}

/// Who entered a lock's body, in order, and how many were inside at once at most.
final class Tally: Sendable {
    let state = Mutex<(order: [Int], inside: Int, mostInside: Int)>(([], 0, 0))

    func enter(_ index: Int) {
        state.withLock { s in
            s.order.append(index)
            s.inside += 1
            s.mostInside = max(s.mostInside, s.inside)
        }
    }

    func leave() { state.withLock { $0.inside -= 1 } }
}
