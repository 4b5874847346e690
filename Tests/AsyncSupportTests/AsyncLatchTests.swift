import AsyncSupport
import Testing
import TestSupport

/// The latch: set once, awaited by many, with a timeout and cancellation.
@Suite struct AsyncLatchTests {
    @Test func everyWaiterGetsTheValueAndLaterResolvesAreIgnored() async throws {
        let latch = AsyncLatch<Int>()
        let waiters = (0..<5).map { _ in Task { await latch.wait() } }
        #expect(latch.resolve(7))
        #expect(!latch.resolve(8))
        for waiter in waiters { #expect(await waiter.value == 7) }
        #expect(await latch.wait() == 7, "a late waiter gets it at once")
        #expect(latch.current == 7)
    }

    @Test func aWaitThatTimesOutGetsNil() async {
        let latch = AsyncLatch<Int>()
        #expect(await latch.wait(timeout: .milliseconds(20)) == nil)
        latch.resolve(1)
        #expect(await latch.wait(timeout: .milliseconds(20)) == 1)
    }

    @Test func aCancelledWaiterGetsNilAndTheOthersStillTheValue() async throws {
        let latch = AsyncLatch<String>()
        let cancelled = Task { await latch.wait() }
        let patient = Task { await latch.wait() }
        cancelled.cancel()
        #expect(await cancelled.value == nil)
        latch.resolve("done")
        #expect(await patient.value == "done")
    }
}
