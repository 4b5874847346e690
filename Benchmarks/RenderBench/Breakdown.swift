import FixtureServer
import Foundation
import Headless
import Logging
import RenderTypes

/// `--breakdown`: where a static render's time goes, step by step on hot leases (p50 of `runs`): a few raw
/// commands on the fresh page, then each page step the executor takes, timed on its own, sequentially;
/// `pause` before each lease lets the pool finish the previous lease's background work first.
func breakdown(pool: BrowserPool, url: String, runs: Int, pause: Duration) async throws -> [String] {
    var samples: [String: [Double]] = [:]
    var order: [String] = []
    let profile = StealthProfile.resolve(.default, seed: "bench", browserUserAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36", viewport: .default)
    for _ in 0..<runs {
        // With a pause, the pool's background work for the previous lease (dispose, refill) is done.
        try await Task.sleep(for: pause)
        try await pool.withLease(deadline: .now + .seconds(30)) { lease in
            var rawMark = ContinuousClock.now
            func rawLap(_ name: String) {
                if samples[name] == nil { order.append(name) }
                samples[name, default: []].append(ms(.now - rawMark))
                rawMark = .now
            }
            _ = try await lease.page.send(CDP.Runtime.Evaluate(expression: "1 + 1"))
            rawLap("first command on the hot lease: Runtime.evaluate 1 + 1")
            _ = try await lease.page.send(CDP.Emulation.SetDeviceMetricsOverride(width: 1000, height: 800, deviceScaleFactor: 1, mobile: false))
            rawLap("then Emulation.setDeviceMetricsOverride")
            _ = try await lease.page.send(CDP.Network.Enable())
            rawLap("then Network.enable")
            try await Page.with(session: lease.page, browserContextId: lease.browserContextId, logger: logger) { page in
                var mark = rawMark
                func lap(_ name: String) {
                    if samples[name] == nil { order.append(name) }
                    samples[name, default: []].append(ms(.now - mark))
                    mark = .now
                }
                lap("Page.with (event consumer starts)")
                try await page.enableEvents(network: true, console: false)
                lap("enableEvents (lifecycle + network)")
                try await page.setViewport(.default, screen: (1920, 1080))
                lap("setViewport")
                try await page.applyStealth(profile, browserUserAgent: "x")
                lap("applyStealth (medium)")
                let navigation = try await page.navigate(to: url)
                lap("navigate (until commit)")
                try await page.waitFor(.load, loaderId: navigation.loaderId)
                lap("wait load")
                _ = try await page.snapshot(html: true, metadata: true, timing: true)
                lap("snapshot (html + metadata + timing)")
                _ = try await page.evaluate("1 + 1")
                lap("evaluate 1 + 1")
            }
        }
    }
    return order.map { "| \($0) | \(f1(Summary(samples[$0] ?? []).p50)) ms |" }
}
