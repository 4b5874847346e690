import AsyncSupport
import Synchronization
import Testing

/// `value(by:of:late:)`: the operation's value by the deadline, else nil; a late value goes to `late`.
@Suite(.timeLimit(.minutes(1))) struct ValueByDeadlineTests {
    @Test func aValueBeforeTheDeadlineIsReturnedAndLateIsNotCalled() async throws {
        let lateValues = Mutex<[Int]>([])
        let value = try await value(by: .now + .seconds(30), of: { 7 }, late: { v in lateValues.withLock { $0.append(v) } })
        #expect(value == 7)
        try await Task.sleep(for: .milliseconds(50))
        #expect(lateValues.withLock { $0 }.isEmpty)
    }

    /// The operation's end stops the deadline's timer; a stopped timer must not answer "deadline
    /// passed" in the instant before the operation's own answer (it did: 1 call in a few hundred).
    @Test func aValueLongBeforeTheDeadlineIsNeverTakenForTheDeadline() async throws {
        let lateCount = Mutex(0)
        for round in 0..<2_000 {
            let value = try await value(
                by: .now + .seconds(30),
                of: {
                    await Task.yield()
                    return round
                },
                late: { _ in lateCount.withLock { $0 += 1 } })
            #expect(value == round, "round \(round)")
            if value != round { break }
        }
        #expect(lateCount.withLock { $0 } == 0)
    }

    @Test func anOperationStillRunningAtTheDeadlineGivesNilAndItsValueGoesToLate() async throws {
        let release = AsyncLatch<Void>()
        let late = AsyncLatch<Int>()
        // Answered at the deadline, not when the operation ends (it never would before `release`).
        let value = try await value(
            by: .now + .milliseconds(100),
            of: {
                await release.wait()
                return 9
            },
            late: { late.resolve($0) })
        #expect(value == nil)
        #expect(late.current == nil)
        release.resolve(())
        #expect(await late.wait(timeout: .seconds(20)) == 9)
    }

    @Test func anErrorBeforeTheDeadlineIsThrown() async {
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            _ = try await value(by: .now + .seconds(30), of: { () async throws -> Int in throw Refused() }, late: { _ in })
        }
    }

    @Test func aCancelledCallerGetsCancellationAndTheValueGoesToLate() async throws {
        let release = AsyncLatch<Void>()
        let late = AsyncLatch<Int>()
        let caller = Task {
            try await value(
                by: .now + .seconds(60),
                of: {
                    await release.wait()
                    return 3
                },
                late: { late.resolve($0) })
        }
        try await Task.sleep(for: .milliseconds(20))
        caller.cancel()
        await #expect(throws: CancellationError.self) { _ = try await caller.value }
        release.resolve(())
        #expect(await late.wait(timeout: .seconds(20)) == 3)
    }
}
