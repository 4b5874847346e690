// RenderBench: the static fixture page rendered end to end through the BrowserPool (p50/p95), renders/s
// with 1, 4 and 8 concurrent callers, and the same render with Playwright for Python in the same run.
//   swift build -c release --product RenderBench && .build/release/RenderBench [--renders N] [--browsers B]
//     [--stealth none|low|medium|high] [--no-playwright] [--breakdown [--pause-ms P]]
// Prints a Markdown section for BENCHMARKS.md. Every browser it starts is closed before it exits.
import FixtureServer
import Foundation
import Headless
import Logging
import RenderTypes
import Synchronization

struct Options {
    var renders = 200
    var browsers = 2
    var contextsPerBrowser = 8
    var warmup = 20
    var stealth = StealthConfig.Preset.medium
    var playwright = true
    var concurrency = [1, 4, 8]
    var breakdown = false
    var pauseMs = 0

    init(arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--renders": renders = iterator.next().flatMap(Int.init) ?? renders
            case "--browsers": browsers = iterator.next().flatMap(Int.init) ?? browsers
            case "--stealth": stealth = iterator.next().flatMap(StealthConfig.Preset.init(rawValue:)) ?? stealth
            case "--no-playwright": playwright = false
            case "--breakdown": breakdown = true
            case "--pause-ms": pauseMs = iterator.next().flatMap(Int.init) ?? pauseMs
            default:
                FileHandle.standardError.write(Data("unknown argument \(argument)\n".utf8))
                exit(2)
            }
        }
    }
}

/// p50/p95 of milliseconds.
struct Summary {
    let p50: Double
    let p95: Double

    init(_ ms: [Double]) {
        let sorted = ms.sorted()
        func percentile(_ p: Double) -> Double {
            sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * p).rounded(.up)) - 1))]
        }
        p50 = percentile(0.5)
        p95 = percentile(0.95)
    }
}

func ms(_ d: Duration) -> Double { Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) / 1e15 }
func f1(_ v: Double) -> String { String(format: "%.1f", v) }

var logger = Logger(label: "renderbench")
logger.logLevel = .error
let options = Options(arguments: CommandLine.arguments)

/// Renders the static page `count` times with `concurrency` callers; returns per-render wall times and the total.
func run(_ renderer: Renderer, url: String, count: Int, concurrency: Int) async throws
    -> (latencies: [Double], seconds: Double, stages: StageTimings)
{
    let next = Counter()
    let started = ContinuousClock.now
    let results = try await withThrowingTaskGroup(of: [(Double, StageTimings)].self) { group in
        for _ in 0..<concurrency {
            group.addTask {
                var mine: [(Double, StageTimings)] = []
                while next.take() < count {
                    let start = ContinuousClock.now
                    let outcome = try await renderer.render(
                        RenderRequest(url: url, stealth: StealthConfig(preset: options.stealth), receivedAt: start)
                    )
                    guard outcome.result.html?.contains("Static fixture page") == true else {
                        throw BenchError.unexpectedContent
                    }
                    mine.append((ms(.now - start), outcome.result.timings))
                }
                return mine
            }
        }
        return try await group.reduce(into: []) { $0 += $1 }
    }
    let seconds = ms(.now - started) / 1000
    var mean = StageTimings()
    let n = Double(max(1, results.count))
    for (_, t) in results {
        mean.queueMs += t.queueMs / n
        mean.leaseMs += t.leaseMs / n
        mean.navigationMs += t.navigationMs / n
        mean.waitMs += t.waitMs / n
        mean.actionsMs += t.actionsMs / n
        mean.captureMs += t.captureMs / n
    }
    return (results.map(\.0), seconds, mean)
}

enum BenchError: Error { case unexpectedContent, playwright(String) }

/// A shared counter for workers taking the next render number.
final class Counter: Sendable {
    private let value = Mutex(0)
    func take() -> Int { value.withLock { v in defer { v += 1 }; return v } }
}

/// Runs the Playwright comparison script and decodes its JSON.
func playwright(url: String, binary: String) throws -> [String: Any] {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("playwright_bench.py").path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
        "python3", script, "--url", url, "--binary", binary, "--browsers", "\(options.browsers)",
        "--renders", "\(options.renders)", "--warmup", "\(options.warmup)",
        "--concurrency", options.concurrency.map(String.init).joined(separator: ","),
    ]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0,
          let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
    else {
        throw BenchError.playwright("playwright_bench.py exited \(process.terminationStatus) (is `pip install playwright` done?)")
    }
    return json
}

let server = try await FixtureServer.start()
let url = server.url("/static.html")
let binary = try ExecutableLocator.locate(engine: .headlessShell, explicitPath: nil,
                                          environment: ProcessInfo.processInfo.environment)
let poolConfig = BrowserPoolConfig(
    minPoolSize: options.browsers, maxPoolSize: options.browsers, initialPoolSize: options.browsers,
    contextsPerBrowser: options.contextsPerBrowser, prewarmContexts: 4, healthCheckInterval: .seconds(3600)
)
let pool = BrowserPool(config: poolConfig, logger: logger)

let report = try await withThrowingTaskGroup(of: Void.self) { group in
    group.addTask { try await pool.run() }
    defer { pool.requestShutdown() }
    while pool.stats().readyBrowsers < options.browsers { try await Task.sleep(for: .milliseconds(20)) }
    let renderer = Renderer(provider: pool, logger: logger)
    _ = try await run(renderer, url: url, count: options.warmup, concurrency: 1)
    if options.breakdown {
        let rows = try await breakdown(pool: pool, url: url, runs: options.renders, pause: .milliseconds(options.pauseMs))
        pool.requestShutdown()
        try await group.waitForAll()
        return (["| step (sequential, hot lease) | p50 |", "|---|---|"] + rows).joined(separator: "\n")
    }

    var lines: [String] = []
    let sequential = try await run(renderer, url: url, count: options.renders, concurrency: 1)
    let sequentialSummary = Summary(sequential.latencies)
    var tidepool: [Int: (rps: Double, summary: Summary)] = [:]
    for concurrency in options.concurrency {
        let measured = try await run(renderer, url: url, count: options.renders, concurrency: concurrency)
        tidepool[concurrency] = (Double(options.renders) / measured.seconds, Summary(measured.latencies))
    }
    pool.requestShutdown()
    try await group.waitForAll()

    lines.append("Static fixture page (`/static.html`), end to end through `Renderer` + `BrowserPool` "
        + "(\(options.browsers) headless-shell browsers × \(options.contextsPerBrowser) contexts, 4 prewarmed), "
        + "default config (wait `load`, capture html + metadata + timing), stealth `\(options.stealth.rawValue)`; "
        + "\(options.renders) renders per figure after \(options.warmup) warm-up renders.")
    lines.append("")
    var comparison: [String: Any]?
    if options.playwright { comparison = try playwright(url: url, binary: binary) }
    let pwSequential = comparison?["sequential"] as? [String: Any]
    let pwConcurrency = comparison?["concurrency"] as? [String: [String: Any]]
    func pw(_ key: String, _ c: Int? = nil) -> Double? {
        (c.map { pwConcurrency?["\($0)"]?[key] } ?? pwSequential?[key]) as? Double
    }
    lines.append("| figure | Tidepool | Playwright (Python) | Tidepool ÷ Playwright |")
    lines.append("|---|---|---|---|")
    func row(_ name: String, _ ours: Double, _ theirs: Double?, _ unit: String) {
        let ratio = theirs.map { unit == "ms" ? $0 / ours : ours / $0 }
        lines.append("| \(name) | \(f1(ours)) \(unit) | \(theirs.map { "\(f1($0)) \(unit)" } ?? "–") | "
            + "\(ratio.map { String(format: "%.2f×", $0) } ?? "–") |")
    }
    row("static render p50 (1 caller)", sequentialSummary.p50, pw("p50_ms"), "ms")
    row("static render p95 (1 caller)", sequentialSummary.p95, pw("p95_ms"), "ms")
    for concurrency in options.concurrency {
        let ours = tidepool[concurrency]!
        row("renders/s, \(concurrency) caller\(concurrency == 1 ? "" : "s")", ours.rps, pw("rps", concurrency), "/s")
        row("p50 with \(concurrency) caller\(concurrency == 1 ? "" : "s")", ours.summary.p50, pw("p50_ms", concurrency), "ms")
    }
    lines.append("")
    let t = sequential.stages
    lines.append("Mean stage times of the sequential renders (ms): queue \(f1(t.queueMs)), lease \(f1(t.leaseMs)), "
        + "navigation \(f1(t.navigationMs)), wait \(f1(t.waitMs)), capture \(f1(t.captureMs)).")
    lines.append("")
    lines.append("Ratios: for latencies Playwright ÷ Tidepool (>1 means Tidepool is faster), for renders/s "
        + "Tidepool ÷ Playwright. Playwright launches the same binary (`\(binary)`) with the same number of "
        + "browsers and opens a new context (viewport 1920×1080) and page per render.")
    return lines.joined(separator: "\n")
}
await server.stop()
print(report)
