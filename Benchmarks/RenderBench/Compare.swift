import Foundation
import Headless
import Logging
import RenderTypes

/// `--compare-window`: an A/B of the pool's page window size in one process. Two pools (A: the browser's
/// own 800×600 window, B: `WindowSize.defaultViewport`) with the same number of browsers render in turns,
/// A, B, A, B …, so load drift on a shared machine hits both arms alike. Prints p50 per arm and stage, and
/// the p50 of the paired differences (B − A, each B render against the A render just before it).
func compareWindow(
    url: String, runs: Int, browsers: Int, warmup: Int, stealth: StealthConfig.Preset, logger: Logger
) async throws -> [String] {
    func pool(_ window: WindowSize?) -> BrowserPool {
        BrowserPool(
            config: BrowserPoolConfig(
                minPoolSize: browsers, maxPoolSize: browsers, initialPoolSize: browsers, contextsPerBrowser: 8,
                prewarmContexts: 4, windowSize: window, healthCheckInterval: .seconds(3600)
            ),
            logger: logger
        )
    }
    let arms = [("A: browser window 800×600", pool(nil)), ("B: window 1920×1080", pool(.defaultViewport))]
    var totals: [[Double]] = [[], []]
    var stages: [[StageTimings]] = [[], []]
    try await withThrowingTaskGroup(of: Void.self) { group in
        for (_, pool) in arms { group.addTask { try await pool.run() } }
        defer { for (_, pool) in arms { pool.requestShutdown() } }
        for (_, pool) in arms {
            while pool.stats().readyBrowsers < browsers { try await Task.sleep(for: .milliseconds(20)) }
        }
        let renderers = arms.map { Renderer(provider: $0.1, logger: logger) }
        for index in 0..<(2 * (warmup + runs)) {
            let arm = index % 2
            let start = ContinuousClock.now
            let outcome = try await renderers[arm].render(
                RenderRequest(url: url, stealth: StealthConfig(preset: stealth), receivedAt: start)
            )
            guard outcome.result.html?.contains("Static fixture page") == true else { throw BenchError.unexpectedContent }
            guard index >= 2 * warmup else { continue }
            totals[arm].append(ms(.now - start))
            stages[arm].append(outcome.result.timings)
        }
        for (_, pool) in arms { pool.requestShutdown() }
        try await group.waitForAll()
    }
    let columns: [(String, (StageTimings) -> Double)] = [
        ("lease", \.leaseMs), ("navigation", \.navigationMs), ("wait", \.waitMs), ("capture", \.captureMs),
    ]
    var rows = ["| arm (sequential, alternating) | total p50 | " + columns.map { "\($0.0) p50" }.joined(separator: " | ") + " |",
                "|---|---|" + String(repeating: "---|", count: columns.count)]
    for (arm, (name, _)) in arms.enumerated() {
        let cells = columns.map { f1(Summary(stages[arm].map($0.1)).p50) + " ms" }
        rows.append("| \(name) | \(f1(Summary(totals[arm]).p50)) ms | " + cells.joined(separator: " | ") + " |")
    }
    let paired = zip(totals[1], totals[0]).map { $0 - $1 }
    rows.append("")
    rows.append("Paired difference B − A (p50 of \(paired.count) pairs): \(f1(Summary(paired).p50)) ms.")
    return rows
}
