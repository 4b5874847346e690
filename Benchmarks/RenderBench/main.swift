// RenderBench: the static fixture page rendered end to end through the BrowserPool (p50/p95), renders/s
// with 1, 4 and 8 concurrent callers, and in the same run the same render from a minimal raw CDP client
// (Benchmarks/reference/raw_cdp_render.py: the same commands, no framework) and from Playwright for Python;
// CPU time per render of each (the process and every Chromium process it started).
//   swift build -c release --product RenderBench && .build/release/RenderBench [--renders N] [--browsers B]
//     [--stealth none|low|medium|high] [--page static|worker] [--no-playwright] [--no-raw] [--executor nio|swift]
//     (`--page worker` is for Tidepool's own figures: the Playwright and raw arms wait for `load` only)
//     [--breakdown [--pause-ms P]] [--window WxH|none] [--concurrency 1,4,8] [--prewarm N]
//     [--compare-window | --compare-flags "FLAGS" | --compare-egress | --compare-auto-attach] [--rounds R] [--gap-ms G]
// Prints a Markdown section for BENCHMARKS.md. Every browser it starts is closed before it exits.
import BenchSupport
import Egress
import FixtureServer
import Foundation
import Headless
import Logging
import NIOCore
import NIOPosix
import RenderTypes
import Synchronization

struct Options {
    var renders = 200
    var browsers = 2
    var contextsPerBrowser = 8
    var warmup = 20
    var stealth = StealthConfig.Preset.medium
    /// `static`: /static.html; `worker`: /worker.html, which starts a dedicated worker, rendered until
    /// the worker's answer shows.
    var page = "static"
    var playwright = true
    var raw = true
    /// `nio`: Swift concurrency runs on NIO's event loops, as in the `tidepool` server.
    var executor = "nio"
    var concurrency = [1, 4, 8]
    var breakdown = false
    var pauseMs = 0
    var compareWindow = false
    var compareFlags: [String]?
    /// `--compare-egress`: A through the egress proxy (loopback allowed), B with no egress policy.
    var compareEgress = false
    /// `--compare-auto-attach`: A as served, B without stealth's auto-attach of workers and frames.
    var compareAutoAttach = false
    var rounds = 3
    /// Pause before each render of the extra "caught up" sequential figure (0: no such figure).
    var gapMs = 200
    /// Prewarmed contexts per browser (`--prewarm N`).
    var prewarm = 4
    /// The pool's page window size (`--window WxH`; `none`: the browser's own 800×600, the pool's default).
    var windowSize: WindowSize? = BrowserPoolConfig().windowSize

    init(arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--renders": renders = iterator.next().flatMap(Int.init) ?? renders
            case "--browsers": browsers = iterator.next().flatMap(Int.init) ?? browsers
            case "--stealth": stealth = iterator.next().flatMap(StealthConfig.Preset.init(rawValue:)) ?? stealth
            case "--page": page = iterator.next().flatMap { ["static", "worker"].contains($0) ? $0 : nil } ?? page
            case "--no-playwright": playwright = false
            case "--no-raw": raw = false
            case "--executor": executor = iterator.next() ?? executor
            case "--breakdown": breakdown = true
            case "--pause-ms": pauseMs = iterator.next().flatMap(Int.init) ?? pauseMs
            case "--compare-window": compareWindow = true
            case "--compare-egress": compareEgress = true
            case "--compare-auto-attach": compareAutoAttach = true
            case "--compare-flags": compareFlags = (iterator.next() ?? "").split(separator: " ").map(String.init)
            case "--rounds": rounds = iterator.next().flatMap(Int.init) ?? rounds
            case "--gap-ms": gapMs = iterator.next().flatMap(Int.init) ?? gapMs
            case "--prewarm": prewarm = iterator.next().flatMap(Int.init) ?? prewarm
            case "--window":
                let value = iterator.next() ?? ""
                let sides = value.split(separator: "x").compactMap { Int($0) }
                windowSize = sides.count == 2 ? WindowSize(width: sides[0], height: sides[1]) : nil
            case "--concurrency":
                concurrency = (iterator.next() ?? "").split(separator: ",").compactMap { Int($0) }
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

let options = Options(arguments: CommandLine.arguments)
// Like Sources/tidepool/main.swift: before any task starts.
if options.executor == "nio" { NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor() }
CPUAccounting.becomeSubreaper()
var logger = Logger(label: "renderbench")
logger.logLevel = .error

/// Renders the static page `count` times with `concurrency` callers; returns per-render wall times and the total.
func run(_ renderer: Renderer, url: String, count: Int, concurrency: Int, gap: Duration = .zero) async throws
    -> (latencies: [Double], seconds: Double, stages: StageTimings, stageP50: StageTimings)
{
    let next = Counter()
    let started = ContinuousClock.now
    let results = try await withThrowingTaskGroup(of: [(Double, StageTimings)].self) { group in
        for _ in 0..<concurrency {
            group.addTask {
                var mine: [(Double, StageTimings)] = []
                while next.take() < count {
                    if gap > .zero { try await Task.sleep(for: gap) }
                    let start = ContinuousClock.now
                    let outcome = try await renderer.render(
                        RenderRequest(url: url, config: pageConfig, stealth: StealthConfig(preset: options.stealth), receivedAt: start)
                    )
                    guard outcome.result.html?.contains(pageText) == true else {
                        FileHandle.standardError.write(Data(
                            "unexpected content: met \(outcome.result.waitConditionsMet), warnings \(outcome.result.warnings), timings \(outcome.result.timings), html …\((outcome.result.html ?? "").suffix(200))\n".utf8))
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
    func p50(_ path: KeyPath<StageTimings, Double>) -> Double { Summary(results.map { $0.1[keyPath: path] }).p50 }
    let median = StageTimings(
        queueMs: p50(\.queueMs), leaseMs: p50(\.leaseMs), navigationMs: p50(\.navigationMs), waitMs: p50(\.waitMs),
        actionsMs: p50(\.actionsMs), captureMs: p50(\.captureMs))
    return (results.map(\.0), seconds, mean, median)
}

enum BenchError: Error { case unexpectedContent, playwright(String) }

/// A shared counter for workers taking the next render number.
final class Counter: Sendable {
    private let value = Mutex(0)
    func take() -> Int { value.withLock { v in defer { v += 1 }; return v } }
}

/// Runs a comparison script (`python3 <script> <arguments>`) and decodes the JSON it prints.
func python(_ script: String, _ arguments: [String], hint: String) throws -> [String: Any] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script] + arguments
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0,
          let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
    else {
        throw BenchError.playwright("\(script) exited \(process.terminationStatus) (\(hint))")
    }
    return json
}

let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
let commonArguments = [
    "--browsers", "\(options.browsers)", "--renders", "\(options.renders)", "--warmup", "\(options.warmup)",
    "--concurrency", options.concurrency.map(String.init).joined(separator: ","),
]

/// The command line of a running browser (from /proc), for the raw client to launch the same way.
func commandLine(of pid: Int32) -> [String] {
    guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return [] }
    return data.split(separator: 0).dropFirst().map { String(decoding: $0, as: UTF8.self) }
}

let server = try await FixtureServer.start()
let url = server.url(options.page == "worker" ? "/worker.html" : "/static.html")
/// What a render of the page waits for, and a text its HTML must then hold.
let pageConfig =
    options.page == "worker"
    ? DynamicConfig(waitFor: WaitCondition(.javascript("document.getElementById('answer').textContent.includes(' | ')"), timeoutMs: 10_000))
    : DynamicConfig()
let pageText = options.page == "worker" ? " | " : "Static fixture page"  // the worker answered
if options.compareWindow || options.compareFlags != nil || options.compareEgress || options.compareAutoAttach {
    let rows = try await compare(
        arms(
            browsers: options.browsers, window: options.compareWindow, extraFlags: options.compareFlags ?? [],
            egress: options.compareEgress, autoAttach: options.compareAutoAttach),
        url: url, config: pageConfig, expect: pageText, runs: options.renders, warmup: options.warmup,
        rounds: options.rounds, burst: options.renders, stealth: options.stealth, logger: logger)
    CPUAccounting.reapOrphans()
    await server.stop()
    let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3)
    print((rows + ["", "Load average at the end: \(load?.joined(separator: " ") ?? "?")."]).joined(separator: "\n"))
    exit(0)
}
let binary = try ExecutableLocator.locate(engine: .headlessShell, explicitPath: nil,
                                          environment: ProcessInfo.processInfo.environment)
let poolConfig = BrowserPoolConfig(
    minPoolSize: options.browsers, maxPoolSize: options.browsers, initialPoolSize: options.browsers,
    contextsPerBrowser: options.contextsPerBrowser, prewarmContexts: options.prewarm, windowSize: options.windowSize,
    healthCheckInterval: .seconds(3600),
    // The fixture site is on loopback: the egress policy lets exactly that through, as a server would
    // with --allow-network; the proxy hop is part of every render measured.
    egress: EgressPolicy(allowed: [IPNetwork("127.0.0.0/8")!])
)
let pool = BrowserPool(config: poolConfig, logger: logger)

var browserFlags: [String] = []
let cpuBefore = CPUAccounting.now()
let report = try await withThrowingTaskGroup(of: Void.self) { group in
    group.addTask { try await pool.run() }
    defer { pool.requestShutdown() }
    while pool.stats().readyBrowsers < options.browsers { try await Task.sleep(for: .milliseconds(20)) }
    browserFlags = pool.stats().browsers.first?.pid.map(commandLine(of:)) ?? []
    let renderer = Renderer(provider: pool, logger: logger)
    _ = try await run(renderer, url: url, count: options.warmup, concurrency: 1)
    if options.breakdown {
        let rows = try await breakdown(pool: pool, url: url, runs: options.renders, pause: .milliseconds(options.pauseMs))
        pool.requestShutdown()
        try await group.waitForAll()
        CPUAccounting.reapOrphans()
        var table = ["| step (sequential, hot lease) | p50 |", "|---|---|"] + rows
        if options.raw {
            // The same first commands and the render's steps from the raw client, in the same run.
            let raw = try python(
                here.appendingPathComponent("../reference/raw_cdp_render.py").standardized.path,
                ["--url", url, "--steps", "--pause-ms", "\(options.pauseMs)", "--concurrency", "",
                 "--browsers", "\(options.browsers)", "--renders", "\(options.renders)", "--warmup", "\(options.warmup)",
                 "--flags", String(decoding: try JSONSerialization.data(withJSONObject: browserFlags), as: UTF8.self)],
                hint: "see Benchmarks/reference/raw_cdp_render.py")
            table += ["", "| raw CDP client, same run | p50 |", "|---|---|"]
            for key in ["hot", "sequential"] {
                let steps = (key == "hot" ? raw["hot"] : (raw["sequential"] as? [String: Any])?["steps"]) as? [String: Double]
                table += (steps ?? [:]).sorted { $0.key < $1.key }.map { "| \($0.key) | \(f1($0.value)) ms |" }
            }
            if let sequential = raw["sequential"] as? [String: Any], let p50 = sequential["p50_ms"] as? Double {
                table.append("| whole render (raw) | \(f1(p50)) ms |")
            }
        }
        return table.joined(separator: "\n")
    }

    var lines: [String] = []
    let sequential = try await run(renderer, url: url, count: options.renders, concurrency: 1)
    // One caller that leaves the pool time to finish the previous lease's dispose and refill.
    let caughtUp = options.gapMs > 0
        ? Summary(try await run(renderer, url: url, count: options.renders, concurrency: 1, gap: .milliseconds(options.gapMs)).latencies)
        : nil
    let sequentialSummary = Summary(sequential.latencies)
    var tidepool: [Int: (rps: Double, summary: Summary)] = [:]
    for concurrency in options.concurrency {
        let measured = try await run(renderer, url: url, count: options.renders, concurrency: concurrency)
        tidepool[concurrency] = (Double(options.renders) / measured.seconds, Summary(measured.latencies))
    }
    pool.requestShutdown()
    try await group.waitForAll()
    CPUAccounting.reapOrphans()
    let tidepoolRenders = Double(options.warmup + options.renders * (1 + options.concurrency.count + (options.gapMs > 0 ? 1 : 0)))
    let totalRenders = Double(options.warmup + options.renders * (1 + options.concurrency.count))
    let tidepoolCPU = CPUAccounting.now() - cpuBefore

    let page =
        options.page == "worker"
        ? "Worker fixture page (`/worker.html`: one dedicated worker; wait until its answer shows)"
        : "Static fixture page (`/static.html`; wait `load`)"
    lines.append("\(page), end to end through `Renderer` + `BrowserPool` "
        + "(\(options.browsers) headless-shell browsers × \(options.contextsPerBrowser) contexts, \(options.prewarm) prewarmed), "
        + "default capture (html + metadata + timing), stealth `\(options.stealth.rawValue)`; "
        + "\(options.renders) renders per figure after \(options.warmup) warm-up renders.")
    lines.append("")
    var rawCPU: CPUAccounting.Sample?
    var rawResult: [String: Any]?
    if options.raw {
        let before = CPUAccounting.now()
        rawResult = try python(
            here.appendingPathComponent("../reference/raw_cdp_render.py").standardized.path,
            ["--url", url, "--prewarm", "\(options.prewarm)", "--flags", String(decoding: try JSONSerialization.data(withJSONObject: browserFlags), as: UTF8.self)]
                + commonArguments, hint: "see Benchmarks/reference/raw_cdp_render.py")
        rawCPU = CPUAccounting.now() - before
    }
    var playwrightCPU: CPUAccounting.Sample?
    var comparison: [String: Any]?
    if options.playwright {
        let before = CPUAccounting.now()
        comparison = try python(
            here.appendingPathComponent("playwright_bench.py").path, ["--url", url, "--binary", binary] + commonArguments,
            hint: "is `pip install playwright` done?")
        playwrightCPU = CPUAccounting.now() - before
    }
    func value(_ json: [String: Any]?, _ key: String, _ c: Int? = nil) -> Double? {
        let sequential = json?["sequential"] as? [String: Any]
        let concurrent = json?["concurrency"] as? [String: [String: Any]]
        return (c.map { concurrent?["\($0)"]?[key] } ?? sequential?[key]) as? Double
    }
    lines.append("| figure | Tidepool | raw CDP client | Playwright (Python) | Tidepool ÷ Playwright |")
    lines.append("|---|---|---|---|---|")
    func row(_ name: String, _ ours: Double, _ key: String, _ c: Int?, _ unit: String) {
        let raw = value(rawResult, key, c)
        let theirs = value(comparison, key, c)
        let ratio = theirs.map { unit == "ms" ? $0 / ours : ours / $0 }
        lines.append("| \(name) | \(f1(ours)) \(unit) | \(raw.map { "\(f1($0)) \(unit)" } ?? "–") | "
            + "\(theirs.map { "\(f1($0)) \(unit)" } ?? "–") | \(ratio.map { String(format: "%.2f×", $0) } ?? "–") |")
    }
    row("static render p50 (1 caller)", sequentialSummary.p50, "p50_ms", nil, "ms")
    row("static render p95 (1 caller)", sequentialSummary.p95, "p95_ms", nil, "ms")
    if let caughtUp {
        lines.append("| static render p50 (1 caller, \(options.gapMs) ms pause before each) | \(f1(caughtUp.p50)) ms | – | – | – |")
        lines.append("| static render p95 (1 caller, \(options.gapMs) ms pause before each) | \(f1(caughtUp.p95)) ms | – | – | – |")
    }
    for concurrency in options.concurrency {
        let ours = tidepool[concurrency]!
        row("renders/s, \(concurrency) caller\(concurrency == 1 ? "" : "s")", ours.rps, "rps", concurrency, "/s")
        row("p50 with \(concurrency) caller\(concurrency == 1 ? "" : "s")", ours.summary.p50, "p50_ms", concurrency, "ms")
    }
    lines.append("")
    // Each tool rendered warm-up + renders × (1 + concurrency levels) (Tidepool: plus the caught-up pass);
    // its two browser launches are included.
    func cpu(_ name: String, _ sample: CPUAccounting.Sample?, own: String, renders: Double) -> String? {
        sample.map { s in
            "\(name) \(f1((s.own + s.children) * 1000 / renders)) ms (\(own) \(f1(s.own * 1000 / renders)), "
                + "its children \(f1(s.children * 1000 / renders)))"
        }
    }
    let cpuFigures = [
        cpu("Tidepool", tidepoolCPU, own: "Swift process incl. the fixture server", renders: tidepoolRenders),
        cpu("raw client", rawCPU, own: "fixture server", renders: totalRenders),
        cpu("Playwright", playwrightCPU, own: "fixture server", renders: totalRenders),
    ].compactMap { $0 }
    lines.append("CPU time per render (user + system, whole run incl. browser launches): " + cpuFigures.joined(separator: "; ") + ".")
    lines.append("")
    let t = sequential.stages
    lines.append("Mean stage times of the sequential renders (ms): queue \(f1(t.queueMs)), lease \(f1(t.leaseMs)), "
        + "navigation \(f1(t.navigationMs)), wait \(f1(t.waitMs)), capture \(f1(t.captureMs)).")
    let m = sequential.stageP50
    lines.append("Their p50s (ms): queue \(f1(m.queueMs)), lease \(f1(m.leaseMs)), navigation \(f1(m.navigationMs)), "
        + "wait \(f1(m.waitMs)), capture \(f1(m.captureMs)).")
    if let steps = (rawResult?["sequential"] as? [String: Any])?["steps"] as? [String: Double] {
        lines.append("The raw client's step p50s (ms): "
            + steps.sorted { $0.key < $1.key }.map { "\($0.key) \(f1($0.value))" }.joined(separator: ", ") + ".")
    }
    lines.append("")
    lines.append("Ratios: for latencies Playwright ÷ Tidepool (>1 means Tidepool is faster), for renders/s "
        + "Tidepool ÷ Playwright. Playwright launches the same binary (`\(binary)`) with the same number of "
        + "browsers and opens a new context (viewport 1920×1080) and page per render. The raw client launches the "
        + "pool's own command line and sends the executor's commands (prewarmed contexts, background dispose).")
    lines.append("")
    let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3)
    lines.append("Pool page window: \(options.windowSize.map { "\($0.width)×\($0.height)" } ?? "browser default").")
    lines.append("Load average at the end: \(load?.joined(separator: " ") ?? "?"); executor: \(options.executor).")
    return lines.joined(separator: "\n")
}
await server.stop()
print(report)
