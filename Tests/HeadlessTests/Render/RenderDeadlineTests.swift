@testable import Headless
import Testing

@Suite struct RenderDeadlineTests {
    struct Expired: Error, Equatable {}

    @Test func sleepThatEndsBeforeTheDeadlineReturns() async throws {
        let deadline = RenderDeadline(.now + .seconds(60))
        try await deadline.sleep(for: .milliseconds(1), orThrow: Expired())
    }

    @Test func sleepThatWouldPassTheDeadlineSleepsUntilItAndThrowsTheTimeout() async throws {
        let deadline = RenderDeadline(.now + .milliseconds(50))
        await #expect(throws: Expired()) {
            try await deadline.sleep(for: .seconds(60), orThrow: Expired())
        }
        // It slept until the deadline instead of giving up at once.
        #expect(deadline.hasPassed)
    }

    @Test(arguments: [Duration.seconds(30), .seconds(120)])
    func cancelledSleepThrowsCancellationErrorNotTheTimeout(sleep: Duration) async throws {
        let deadline = RenderDeadline(.now + .seconds(60))
        let started = Gate()
        let sleeper = Task {
            started.open()
            try await deadline.sleep(for: sleep, orThrow: Expired())
        }
        await started.wait()
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
        #expect(!deadline.hasPassed)
    }

    @Test func remainingIsWhatIsLeftButNeverLessThanAMillisecond() {
        let future = RenderDeadline(.now + .seconds(3600))
        #expect(future.remaining > .seconds(1800) && future.remaining <= .seconds(3600))
        #expect(!future.hasPassed)
        let past = RenderDeadline(.now - .seconds(1))
        #expect(past.remaining == .milliseconds(1))
        #expect(past.hasPassed)
    }
}
