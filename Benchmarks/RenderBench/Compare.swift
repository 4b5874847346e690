import BenchSupport
import Egress
import Foundation
import Headless
import Logging
import RenderTypes

/// One side of an A/B: a name and the pool and renderer configuration it renders with.
struct Arm {
    let name: String
    let config: BrowserPoolConfig
    var renderer = Renderer.Configuration()
}

/// The two arms of `--compare-window` (A: the browser's own 800×600 window, B: `WindowSize.defaultViewport`),
/// `--compare-egress` (A: through the egress proxy, B: no egress policy, the browser connecting itself)
/// `--compare-flags "F …"` (A: the pool's default flags, B: plus F) or `--compare-auto-attach` (A: stealth
/// pauses workers and cross-site frames at start, B: it does not), on `browsers` browsers each.
func arms(browsers: Int, window: Bool, extraFlags: [String], egress: Bool = false, autoAttach: Bool = false) -> [Arm] {
    let loopback = EgressPolicy(allowed: [IPNetwork("127.0.0.0/8")!])
    func config(window: WindowSize?, flags: [String], egress: EgressPolicy? = loopback) -> BrowserPoolConfig {
        BrowserPoolConfig(
            minPoolSize: browsers, maxPoolSize: browsers, initialPoolSize: browsers, contextsPerBrowser: 8,
            prewarmContexts: 4, windowSize: window, healthCheckInterval: .seconds(3600),
            launch: LaunchOptions(extraFlags: flags), egress: egress
        )
    }
    if autoAttach {
        let window = BrowserPoolConfig().windowSize
        var without = Renderer.Configuration()
        without.page.coverRelatedTargets = false
        return [Arm(name: "A: workers and frames auto-attached", config: config(window: window, flags: [])),
                Arm(name: "B: no auto-attach", config: config(window: window, flags: []), renderer: without)]
    }
    if egress {
        let window = BrowserPoolConfig().windowSize
        return [Arm(name: "A: through the egress proxy", config: config(window: window, flags: [])),
                Arm(name: "B: no egress policy", config: config(window: window, flags: [], egress: nil))]
    }
    if window {
        return [Arm(name: "A: browser window 800×600", config: config(window: nil, flags: [])),
                Arm(name: "B: window 1920×1080", config: config(window: .defaultViewport, flags: []))]
    }
    let window = BrowserPoolConfig().windowSize
    return [Arm(name: "A: default flags", config: config(window: window, flags: [])),
            Arm(name: "B: + \(extraFlags.joined(separator: " "))", config: config(window: window, flags: extraFlags))]
}

/// An A/B in one process: the two arms' pools run side by side and take turns, so load drift on a shared
/// machine hits both alike. Sequential renders alternate A, B, A, B … (p50 per arm and stage, and the p50
/// of the paired differences B − A); then `rounds` bursts of `burst` renders with 8 callers alternate per
/// arm (renders/s per arm over all its bursts, and CPU per render: the whole process tree's CPU over the
/// arm's bursts, the other arm idle). `config` and `expect` are the page's render config and a text its
/// HTML must contain.
func compare(
    _ arms: [Arm], url: String, config: DynamicConfig = DynamicConfig(), expect: String = "Static fixture page",
    runs: Int, warmup: Int, rounds: Int, burst: Int, stealth: StealthConfig.Preset, logger: Logger
) async throws -> [String] {
    let pools = arms.map { BrowserPool(config: $0.config, logger: logger) }
    var totals: [[Double]] = [[], []]
    var stages: [[StageTimings]] = [[], []]
    var busy: [Double] = [0, 0]
    var cpu: [Double] = [0, 0]
    var rendered: [Int] = [0, 0]
    try await withThrowingTaskGroup(of: Void.self) { group in
        for pool in pools { group.addTask { try await pool.run() } }
        defer { for pool in pools { pool.requestShutdown() } }
        for (pool, arm) in zip(pools, arms) {
            while pool.stats().readyBrowsers < arm.config.minPoolSize { try await Task.sleep(for: .milliseconds(20)) }
        }
        let renderers = zip(pools, arms).map { Renderer(provider: $0, configuration: $1.renderer, logger: logger) }
        @Sendable func render(_ arm: Int) async throws -> (Double, StageTimings) {
            let start = ContinuousClock.now
            let outcome = try await renderers[arm].render(
                RenderRequest(url: url, config: config, stealth: StealthConfig(preset: stealth), receivedAt: start)
            )
            guard outcome.result.html?.contains(expect) == true else {
                // Say which arm and what the render reported before giving up on the run.
                let html = outcome.result.html ?? ""
                let detail = "arm \(arms[arm].name): \(outcome.result.warnings), "
                    + "met \(outcome.result.waitConditionsMet), context \(String(describing: outcome.result.context)), "
                    + "final \(outcome.result.finalUrl), timings \(outcome.result.timings), html …\(html.suffix(400))"
                FileHandle.standardError.write(Data("unexpected content: \(detail)\n".utf8))
                throw BenchError.unexpectedContent
            }
            return (ms(.now - start), outcome.result.timings)
        }
        for index in 0..<(2 * (warmup + runs)) {
            let (total, timings) = try await render(index % 2)
            guard index >= 2 * warmup else { continue }
            totals[index % 2].append(total)
            stages[index % 2].append(timings)
        }
        for round in 0..<(2 * rounds) {
            let arm = round % 2
            let next = Counter()
            let cpuBefore = CPUAccounting.liveTotal()
            let started = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { callers in
                for _ in 0..<8 {
                    callers.addTask { while next.take() < burst { _ = try await render(arm) } }
                }
                try await callers.waitForAll()
            }
            busy[arm] += ms(.now - started) / 1000
            cpu[arm] += CPUAccounting.liveTotal() - cpuBefore
            rendered[arm] += burst
        }
        for pool in pools { pool.requestShutdown() }
        try await group.waitForAll()
    }
    let columns: [(String, (StageTimings) -> Double)] = [
        ("lease", \.leaseMs), ("navigation", \.navigationMs), ("wait", \.waitMs), ("capture", \.captureMs),
    ]
    var rows = ["| arm | sequential p50 | " + columns.map { "\($0.0) p50" }.joined(separator: " | ")
        + (rounds > 0 ? " | renders/s, 8 callers | CPU per render, 8 callers |" : " |"),
                "|---|---|" + String(repeating: "---|", count: columns.count + (rounds > 0 ? 2 : 0))]
    for (index, arm) in arms.enumerated() {
        let cells = columns.map { f1(Summary(stages[index].map($0.1)).p50) + " ms" }
        let rate = rounds > 0
            ? " | \(f1(Double(rendered[index]) / busy[index])) /s | \(f1(cpu[index] * 1000 / Double(rendered[index]))) ms" : ""
        rows.append("| \(arm.name) | \(f1(Summary(totals[index]).p50)) ms | " + cells.joined(separator: " | ") + rate + " |")
    }
    let paired = zip(totals[1], totals[0]).map { $0 - $1 }
    rows.append("")
    rows.append("Sequential: \(runs) renders per arm, alternating; paired difference B − A (p50 of \(paired.count) pairs): "
        + "\(f1(Summary(paired).p50)) ms." + (rounds > 0 ? " Throughput: \(rounds) bursts of \(burst) renders per arm, alternating." : ""))
    return rows
}
