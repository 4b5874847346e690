import Foundation
import RenderTypes
import SessionContext
import Testing
@testable import Headless
@testable import RpcServer

/// `BrowserPoolStats`, what `pool.stats` answers, round-trips strictly through its wire form.
struct PoolStatsShapeTests {
    @Test func browserPoolStatsDecodesWhatPoolStatsAnswersStrictly() throws {
        let browser = Headless.PoolStats.Browser(
            id: 3, state: "ready", drainReason: nil, pid: 4242, leased: 2, idleContexts: 1, warmingContexts: 1,
            leasesServed: 17, ageSeconds: 12.5, rssBytes: 300_000_000, pssBytes: 150_000_000, processes: 7
        )
        let stats = Headless.PoolStats(
            browsers: [browser], readyBrowsers: 1, contextsLeased: 2, contextsIdle: 1, contextsWarming: 1, contextsHeld: 1,
            contextsParked: 1, queueLength: 4, queueHigh: 1, queueNormal: 2, queueLow: 1, capacity: 8, utilization: 0.25,
            restarts: 1, recycled: 2, launches: 4, launchFailures: 0, leasesServed: 17, hotLeases: 12,
            overloadedRejections: 3, queueTimeouts: 1, lastLaunchError: "exit 3", shuttingDown: false
        )
        // pool.stats adds the render path's profile browsers and warm sessions to the pool's figures.
        var object = try JSONValue(encoding: stats).objectValue ?? [:]
        object["profile_browsers"] = [["profile": "work", "pid": 77, "in_use": 1, "idle_seconds": 0]]
        object["warm_sessions"] = 2
        let json = JSONValue.object(object)
        let decoded = try StrictJSONDecoder().decode(BrowserPoolStats.self, from: json)
        #expect(decoded.browsers.first?.id == 3)
        #expect(decoded.browsers.first?.pid == 4242)
        #expect(decoded.queueLength == 4)
        #expect(decoded.utilization == 0.25)
        #expect(decoded.totalRSSBytes == 300_000_000)
        #expect(decoded.profileBrowsers == [BrowserPoolStats.ProfileBrowser(profile: "work", pid: 77, inUse: 1)])
        #expect(decoded.lastLaunchError == "exit 3")
        #expect(try JSONValue(encoding: decoded) == json, "nothing is lost or added")
    }
}
