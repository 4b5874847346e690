// RecycleBench (issue 16): renders without a session through the session-aware render path in process
// (`RenderService`, the Rendering target), on a same-site workload (one fixture origin, many paths) and a
// many-sites workload (four fixture origins in turn), with 1 and 8 callers: Tidepool recycling contexts
// (the default), Tidepool with `isolation: "fresh"`, and in the same run Playwright for Python with a new
// context per render and with one page per worker (no isolation). renders/s and CPU per render (this
// process, every Chromium it started, and the Playwright driver), each arm on a pool or browser of its own.
//   swift build -c release --product RecycleBench && .build/release/RecycleBench [--renders N] [--callers 1,8]
//     [--no-playwright] [--no-fresh] [--workloads same,many] [--stealth none|low|medium|high]
//     [--browser-flag SWITCH]…
// Prints a Markdown section for BENCHMARKS.md. Every browser it starts is closed before it exits.
import BenchSupport
import FixtureServer
import Foundation
import Headless
import Logging
import NIOCore
import NIOPosix
import Rendering
import RenderTypes
import RpcServer
import Synchronization

struct Options {
    var renders = 160
    var warmup = 16
    var callers = [1, 8]
    var playwright = true
    /// `same` (one origin) and/or `many` (four origins in turn).
    var workloads = ["same", "many"]
    /// Tidepool's stealth preset (the default `medium`; Playwright's arms hide nothing).
    var stealth = StealthConfig.Preset.medium
    /// Extra Chromium switches for Tidepool's browser (`--browser-flag --disable-back-forward-cache`,
    /// repeatable): to measure what a switch does to a recycled render.
    var browserFlags: [String] = []
    /// Whether to run Tidepool's `isolation: "fresh"` arm (`--no-fresh` leaves it out).
    var fresh = true

    init(arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--renders": renders = iterator.next().flatMap(Int.init) ?? renders
            case "--callers": callers = (iterator.next() ?? "").split(separator: ",").compactMap { Int($0) }
            case "--no-playwright": playwright = false
            case "--no-fresh": fresh = false
            case "--workloads": workloads = (iterator.next() ?? "").split(separator: ",").map(String.init)
            case "--stealth": stealth = iterator.next().flatMap(StealthConfig.Preset.init(rawValue:)) ?? stealth
            case "--browser-flag": browserFlags += iterator.next().map { [$0] } ?? []
            default:
                FileHandle.standardError.write(Data("unknown argument \(argument)\n".utf8))
                exit(2)
            }
        }
    }
}

/// One measured arm: renders/s, p50 latency and CPU per render.
struct Figure {
    var rps: Double
    var p50: Double
    var cpuMs: Double
    /// Renders that ran in a recycled context (Tidepool only).
    var recycled: Int?
    /// Tidepool only: CPU ms per render of the measured renders (after the warm-up) by process: this
    /// process (the render path, the server's engine and the fixture sites) and each kind of Chromium
    /// process.
    var breakdown: [(String, Double)] = []
}

/// CPU seconds so far of this process and of its Chromium descendants by kind.
func cpuByProcess() -> [String: Double] {
    var kinds = ProcTree.cpuSecondsByKind(under: getpid())
    kinds["this process"] = CPUAccounting.now().own
    return kinds
}

final class Counter: Sendable {
    private let value = Mutex(0)
    func take() -> Int { value.withLock { v in defer { v += 1 }; return v } }
}

func ms(_ d: Duration) -> Double { Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) / 1e15 }
func f1(_ v: Double) -> String { String(format: "%.1f", v) }
func f2(_ v: Double) -> String { String(format: "%.2f", v) }

NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
CPUAccounting.becomeSubreaper()
let options = Options(arguments: CommandLine.arguments)
let logger: Logger = {
    var logger = Logger(label: "recyclebench")
    logger.logLevel = .error
    return logger
}()

/// Tidepool on `urls` (taken in turn) with `callers` callers: a fresh pool (one browser, eight contexts,
/// as `tidepool serve` sizes it on this machine) and server for the arm, closed before the CPU is read.
func tidepool(urls: [String], callers: Int, isolation: RenderIsolation) async throws -> Figure {
    let data = NSTemporaryDirectory() + "recyclebench-" + UUID().uuidString.prefix(8)
    try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: data) }
    let before = CPUAccounting.now()
    var poolConfig = BrowserPoolConfig.sized(for: MachineCapacity.current())
    poolConfig.minPoolSize = 1
    poolConfig.initialPoolSize = 1
    poolConfig.maxPoolSize = 1
    poolConfig.contextsPerBrowser = 8
    poolConfig.egress = nil
    poolConfig.launch.temporaryDirectory = data
    poolConfig.launch.extraFlags += options.browserFlags
    let pool = BrowserPool(config: poolConfig, logger: logger)
    var configuration = TidepoolServer.Configuration()
    configuration.http.port = 0
    configuration.sessions.dataDirectory = data
    let server = try await TidepoolServer.make(configuration: configuration, pool: pool, logger: logger)
    let figure = try await server.withRunning { _ in
        let renders = server.renders!
        while pool.stats().readyBrowsers < 1 { try await Task.sleep(for: .milliseconds(20)) }
        func one(_ i: Int) async throws -> (Double, Bool) {
            var params = RenderParams(url: urls[i % urls.count], stealth: StealthConfig(preset: options.stealth))
            params.config = DynamicConfig(isolation: isolation)
            let start = ContinuousClock.now
            let result = try await renders.render(params)
            guard result.html?.contains("Static fixture page") == true else { throw BenchError.unexpected(result.finalUrl) }
            return (ms(.now - start), result.context == .recycled)
        }
        for i in 0..<options.warmup { _ = try await one(i) }
        let cpuBefore = cpuByProcess()
        let counter = Counter()
        let start = ContinuousClock.now
        let results = try await withThrowingTaskGroup(of: [(Double, Bool)].self) { group in
            for _ in 0..<callers {
                group.addTask {
                    var mine: [(Double, Bool)] = []
                    while case let i = counter.take(), i < options.renders { mine.append(try await one(i)) }
                    return mine
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let seconds = ms(.now - start) / 1000
        let cpuAfter = cpuByProcess()
        let latencies = results.map(\.0).sorted()
        let breakdown = cpuAfter.map { kind, after in (kind, (after - (cpuBefore[kind] ?? 0)) * 1000 / Double(results.count)) }
        return Figure(
            rps: Double(results.count) / seconds, p50: latencies[latencies.count / 2], cpuMs: 0,
            recycled: results.filter(\.1).count, breakdown: breakdown.sorted { $0.1 > $1.1 })
    }
    CPUAccounting.reapOrphans()
    let cpu = CPUAccounting.now() - before
    var result = figure
    result.cpuMs = (cpu.own + cpu.children) * 1000 / Double(options.renders + options.warmup)
    return result
}

enum BenchError: Error { case unexpected(String), playwright(String) }

/// Playwright for Python on the same URLs (`mode` context or page), its CPU counted once it exited.
func playwright(urls: [String], callers: Int, mode: String, binary: String) throws -> Figure {
    let before = CPUAccounting.now()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
        "python3", URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("playwright_recycle.py").path,
        "--urls", urls.joined(separator: ","), "--binary", binary, "--mode", mode, "--callers", "\(callers)",
        "--renders", "\(options.renders)", "--warmup", "\(options.warmup)",
    ]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0, let json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
        let rps = json["rps"] as? Double, let p50 = json["p50_ms"] as? Double
    else { throw BenchError.playwright("playwright_recycle.py exited \(process.terminationStatus): is `pip install playwright` done?") }
    let cpu = CPUAccounting.now() - before
    return Figure(rps: rps, p50: p50, cpuMs: (cpu.own + cpu.children) * 1000 / Double(options.renders + options.warmup))
}

let sites = [try await FixtureServer.start(), try await FixtureServer.start(), try await FixtureServer.start(), try await FixtureServer.start()]
let sameSite = (0..<64).map { sites[0].url("/static.html?page=\($0)") }
let manySites = (0..<64).map { sites[$0 % sites.count].url("/static.html?page=\($0)") }
let binary = try ExecutableLocator.locate(
    engine: .headlessShell, explicitPath: nil, environment: ProcessInfo.processInfo.environment)
let loadBefore = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"

var lines = [
    "| workload | callers | Tidepool recycled | Tidepool fresh | Playwright context per render | Playwright page reuse | recycled ÷ PW context | recycled ÷ PW page |",
    "|---|---|---|---|---|---|---|---|",
]
var breakdowns: [String] = []
func cell(_ f: Figure?) -> String {
    guard let f else { return "–" }
    return "\(f1(f.rps))/s, p50 \(f1(f.p50)) ms, \(f1(f.cpuMs)) ms CPU" + (f.recycled.map { " (\($0) recycled)" } ?? "")
}
for (name, urls) in [("same site", sameSite), ("4 sites", manySites)] where options.workloads.contains(name == "same site" ? "same" : "many") {
    for callers in options.callers {
        let recycled = try await tidepool(urls: urls, callers: callers, isolation: .recycled)
        let fresh = options.fresh ? try await tidepool(urls: urls, callers: callers, isolation: .fresh) : nil
        let context = options.playwright ? try playwright(urls: urls, callers: callers, mode: "context", binary: binary) : nil
        let page = options.playwright ? try playwright(urls: urls, callers: callers, mode: "page", binary: binary) : nil
        let ratioContext = context.map { f2(recycled.rps / $0.rps) + "×" } ?? "–"
        let ratioPage = page.map { f2(recycled.rps / $0.rps) + "×" } ?? "–"
        lines.append(
            "| \(name) | \(callers) | \(cell(recycled)) | \(cell(fresh)) | \(cell(context)) | \(cell(page)) | \(ratioContext) | \(ratioPage) |")
        FileHandle.standardError.write(Data((lines.last! + "\n").utf8))
        for (arm, figure) in [("recycled", recycled), ("fresh", fresh)] {
            guard let figure else { continue }
            breakdowns.append(
                "- \(name), \(callers) callers, \(arm): "
                    + figure.breakdown.map { "\($0.0) \(f1($0.1))" }.joined(separator: ", ") + " ms")
        }
    }
}
for site in sites { await site.stop() }
let loadAfter = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
lines.append("")
lines.append("Tidepool's CPU per measured render (after the warm-up) by process, ms:")
lines.append("")
lines += breakdowns
lines.append("")
lines.append(
    "\(options.renders) renders per arm after \(options.warmup) warm-up renders; CPU per render counts the warm-up, the browser's launch and "
        + "the fixture servers. Tidepool's stealth preset `\(options.stealth.rawValue)` (Playwright hides nothing). "
        + (options.browserFlags.isEmpty ? "" : "Extra Chromium switches: \(options.browserFlags.joined(separator: " ")). ")
        + "Load average \(loadBefore) at the start, \(loadAfter) at the end.")
print(lines.joined(separator: "\n"))
