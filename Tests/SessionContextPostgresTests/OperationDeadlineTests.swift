import AsyncSupport
@testable import SessionContextPostgres
import Synchronization
import Testing

/// `withOperationDeadline`: an operation gets its time, then is cancelled; one that ignores its
/// cancellation (postgres-nio waiting for the answer to a statement written to a closed channel)
/// is abandoned, unless a caller's closure runs inside it — and an abandoned operation can no
/// longer reach the caller's closure; one stuck after the closure ran is abandoned as of unknown outcome.
@Suite struct OperationDeadlineTests {
    /// Waits for `release` whatever happens to the waiting task: an operation deaf to cancellation.
    static func deaf(_ release: AsyncLatch<Void>) async {
        _ = await withoutCancellation { await release.wait() }
    }

    @Test func anOperationThatEndsInTimeGivesItsOwnResult() async throws {
        let value = try await withOperationDeadline(.seconds(30)) { 42 }
        #expect(value == 42)
    }

    @Test func anOperationDeafToCancellationIsAbandonedAfterItsGrace() async throws {
        let release = AsyncLatch<Void>()
        defer { release.resolve(()) }
        await #expect(throws: OperationTimeout.self) {
            try await withOperationDeadline(.milliseconds(50), grace: .milliseconds(50)) {
                await Self.deaf(release)
                return 1
            }
        }
    }

    @Test func aCancelledCallerIsNotHeldPastTheDeadlineByADeafOperation() async throws {
        let release = AsyncLatch<Void>()
        defer { release.resolve(()) }
        let call = Task {
            try await withOperationDeadline(.milliseconds(50), grace: .milliseconds(50)) {
                await Self.deaf(release)
                return 1
            }
        }
        call.cancel()
        await #expect(throws: OperationTimeout.self) { try await call.value }
    }

    @Test func anOperationRunningTheCallersClosureIsWaitedForNotAbandoned() async throws {
        let release = AsyncLatch<Void>()
        let box = GuardedBody({ () async -> Int in
            await Self.deaf(release)
            return 7
        })
        let inside = AsyncLatch<Void>()
        let call = Task {
            try await withOperationDeadline(.milliseconds(50), grace: .milliseconds(50), abandonable: box.abandonable) {
                try await box.run { body in
                    inside.resolve(())
                    return await body()
                }
            }
        }
        _ = await inside.wait(timeout: .seconds(30))
        // Several graces pass while the closure runs: the call still waits for it.
        try await Task.sleep(for: .milliseconds(300))
        release.resolve(())
        #expect(try await call.value == 7)
        box.seal()
    }

    @Test func anAbandonedOperationCanNoLongerReachTheCallersClosure() async throws {
        let release = AsyncLatch<Void>()
        let reached = Mutex(false)
        let box = GuardedBody({ reached.withLock { $0 = true } })
        let lateAttempt = AsyncLatch<Bool>()
        await #expect(throws: OperationTimeout.self) {
            try await withOperationDeadline(.milliseconds(50), grace: .milliseconds(50), abandonable: box.abandonable) {
                // Stuck before the closure (a statement whose answer never comes), then let go.
                await Self.deaf(release)
                lateAttempt.resolve((try? box.run { body in body() }) != nil)
            }
        }
        release.resolve(())
        #expect(await lateAttempt.wait(timeout: .seconds(30)) == false)
        #expect(!reached.withLock { $0 })
    }

    @Test func anOperationStuckAfterTheCallersClosureRanIsAbandonedAndSaysTheChangeMayHaveBeenWritten() async throws {
        let release = AsyncLatch<Void>()
        defer { release.resolve(()) }
        let error = await Self.abandonedAfterRunning({ 7 }, stuckOn: release)
        #expect(error?.outcomeUnknown == true)
        #expect(error?.description.contains("may have been written") == true)
    }

    /// What the backend does with its callers' closures: `body` (non-escaping) runs inside an
    /// operation that then never ends (its COMMIT unanswered) until `release`. Leaving the scope
    /// with the operation abandoned traps if anything of the operation still held `body`.
    static func abandonedAfterRunning(_ body: () -> Int, stuckOn release: AsyncLatch<Void>) async -> OperationTimeout? {
        await withoutActuallyEscaping(body) { body in
            let box = GuardedBody(body)
            defer { box.seal() }
            do {
                _ = try await withOperationDeadline(.milliseconds(50), grace: .milliseconds(50), abandonable: box.abandonable) {
                    let value = try box.run { body in body() }
                    await Self.deaf(release)
                    return value
                }
                return nil
            } catch {
                return error as? OperationTimeout
            }
        }
    }
}
