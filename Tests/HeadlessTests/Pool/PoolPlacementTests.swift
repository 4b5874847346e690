@testable import Headless
import Testing

/// Which browser `PoolState.pick` chooses for a lease (no Chromium: records only).
@Suite struct PoolPlacementTests {
    private let connection = CDPConnection(transport: FakeTransport())

    private let start = ContinuousClock.now

    private func state(_ browsers: [(leased: Int, warm: Int, warming: Int)], busySecondsAgo: [Int] = []) -> PoolState {
        var state = PoolState(config: BrowserPoolConfig(minPoolSize: 1, maxPoolSize: 4, initialPoolSize: 1))
        for (index, spec) in browsers.enumerated() {
            let id = BrowserID(index + 1)
            var record = PooledBrowser(id: id, now: start)
            if index < busySecondsAgo.count { record.lastBusy = start - .seconds(busySecondsAgo[index]) }
            record.phase = .ready
            record.leased = spec.leased
            record.warming = spec.warming
            record.warm = (0..<spec.warm).map { n in
                WarmContext(contextId: "C\(index)-\(n)", page: CDPSession(connection: connection, sessionId: "S\(index)-\(n)", targetId: "T"), browserUserAgent: "UA")
            }
            state.browsers[id] = record
        }
        return state
    }

    @Test func browserWithAWarmContextWinsOverALessLoadedOne() {
        #expect(state([(leased: 0, warm: 0, warming: 0), (leased: 3, warm: 1, warming: 0)]).pick(needsFresh: false) == BrowserID(2))
    }

    @Test func leastLoadedWinsAmongBrowsersWithWarmContexts() {
        #expect(state([(leased: 2, warm: 1, warming: 0), (leased: 1, warm: 1, warming: 3)]).pick(needsFresh: false) == BrowserID(2))
    }

    @Test func equallyLoadedBrowsersPreferTheOneWarmingFewerContexts() {
        // The first browser is refilling after the previous lease: the next lease goes to the other one.
        #expect(state([(leased: 0, warm: 3, warming: 1), (leased: 0, warm: 4, warming: 0)]).pick(needsFresh: false) == BrowserID(2))
    }

    @Test func equallyBusyBrowsersPreferTheOneUsedLeastRecently() {
        // The first browser just released a lease (its context is being disposed): the next goes elsewhere.
        let tie = [(leased: 0, warm: 2, warming: 0), (leased: 0, warm: 2, warming: 0)]
        #expect(state(tie, busySecondsAgo: [0, 5]).pick(needsFresh: false) == BrowserID(2))
        #expect(state(tie, busySecondsAgo: [5, 0]).pick(needsFresh: false) == BrowserID(1))
    }

    @Test func fullTieGoesToTheOldestBrowser() {
        #expect(state([(leased: 0, warm: 2, warming: 0), (leased: 0, warm: 2, warming: 0)]).pick(needsFresh: false) == BrowserID(1))
    }
}
