import Foundation
import Testing
@testable import SessionContext

@Suite struct CleanupTaskTests {
    /// Waits for the next value of `stream`, failing after `seconds` instead of hanging.
    func next<T: Sendable>(_ stream: AsyncStream<T>, within seconds: Double = 30) async -> T? {
        await withTaskGroup(of: T?.self) { group in
            group.addTask {
                var iterator = stream.makeAsyncIterator()
                return await iterator.next()
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(seconds))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    @Test func theCleanupTaskRemovesSessionsOnceTheyExpire() async throws {
        let clock = ManualWallClock()
        let store = RpcSessionStore(clock: clock)
        _ = try await store.getOrCreate(id: "short", config: SessionConfig(ttlSeconds: 60))
        _ = try await store.getOrCreate(id: "long", config: SessionConfig(ttlSeconds: 600))
        let (passes, continuation) = AsyncStream<[SessionID]>.makeStream()
        let task = store.startCleanupTask(interval: .milliseconds(1)) { outcome in
            if case .success(let removed) = outcome, !removed.isEmpty { continuation.yield(removed.map(\.id)) }
        }
        clock.advance(by: 61)
        let removed = await next(passes)
        await task.stopAndWait()
        #expect(removed == ["short"])
        #expect(try await store.sessionCount() == 1)
        #expect(try await store.metrics().expiredCleaned == 1)
    }

    @Test func aStoppedCleanupTaskFinishes() async {
        let store = RpcSessionStore()
        let task = store.startCleanupTask(interval: .seconds(3600))
        await task.stopAndWait()
        #expect(task.isStopped)
    }

    @Test func theCleanupTaskEndsWhenTheStoreIsReleased() async {
        var store: RpcSessionStore<InMemorySessionBackend>? = RpcSessionStore()
        let task = store!.startCleanupTask(interval: .milliseconds(1))
        weak let weakStore = store
        store = nil
        #expect(weakStore == nil)
        let (ended, continuation) = AsyncStream<Void>.makeStream()
        Task {
            await task.waitUntilFinished()
            continuation.yield()
        }
        #expect(await next(ended) != nil)
    }

    @Test func closingTheStoreStopsItsCleanupTasks() async throws {
        let store = RpcSessionStore()
        let task = store.startCleanupTask(interval: .seconds(3600))
        try await store.close()
        await task.waitUntilFinished()
        #expect(task.isStopped)
    }
}

@Suite struct InMemoryBackendTests {
    @Test func sessionsSpreadOverShardsAreAllFoundListedAndCounted() async throws {
        let backend = InMemorySessionBackend(shardCount: 4)
        let ids = (0..<2000).map { _ in SessionID.generate() }
        let now = Date()
        for id in ids { try await backend.put(RpcSessionContext(sessionId: id, now: now)) }
        #expect(try await backend.count() == 2000)
        for id in ids.prefix(100) { #expect(try await backend.load(id)?.sessionId == id) }
        #expect(try await backend.loadAll(pageSize: 333).map(\.sessionId) == ids.sorted())
    }

    @Test func removingFromTheMiddleKeepsEveryOtherSessionReachable() async throws {
        let backend = InMemorySessionBackend(shardCount: 1)
        let ids: [SessionID] = (0..<50).map { SessionID(stringLiteral: "s\($0)") }
        for id in ids { try await backend.put(RpcSessionContext(sessionId: id, now: Date())) }
        for id in ids where Int(id.rawValue.dropFirst())! % 3 == 0 { _ = try await backend.delete(id) }
        for id in ids {
            let expected = Int(id.rawValue.dropFirst())! % 3 != 0
            #expect((try await backend.load(id) != nil) == expected)
        }
        #expect(try await backend.count() == 33)
    }
}
