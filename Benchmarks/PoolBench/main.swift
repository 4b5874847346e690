// PoolBench: the browser pool's costs on this machine, as p50/p95 over repeated runs.
//   swift build -c release --product PoolBench && .build/release/PoolBench [--runs N] [--engine headless-shell|chromium|all]
// Prints a Markdown section for BENCHMARKS.md. Every browser it starts is closed before it exits.
import Foundation
import Headless
import Logging
import RenderTypes

struct Options {
    var runs = 30
    var engines: [BrowserEngine] = BrowserEngine.allCases
    /// Context counts at which memory is sampled. The first context also brings in what every renderer
    /// shares (code pages of the binary only renderers touch), a one-time cost; the step from one
    /// checkpoint to the next is the marginal cost of an extra context.
    var contextCheckpoints = [1, 10, 50]

    init(arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--runs": runs = iterator.next().flatMap(Int.init) ?? runs
            case "--contexts":
                let list = (iterator.next() ?? "").split(separator: ",").compactMap { Int($0) }.filter { $0 > 0 }
                if !list.isEmpty { contextCheckpoints = list.sorted() }
            case "--engine":
                let value = iterator.next() ?? "all"
                engines = value == "all" ? BrowserEngine.allCases : [BrowserEngine(rawValue: value)].compactMap { $0 }
            default:
                FileHandle.standardError.write(Data("unknown argument \(argument)\n".utf8))
                exit(2)
            }
        }
    }
}

/// p50/p95 of a sample, in milliseconds.
struct Summary {
    let p50: Double
    let p95: Double
    let count: Int

    init(_ samples: [Duration]) {
        let sorted = samples.map { Double($0.components.seconds) * 1e3 + Double($0.components.attoseconds) / 1e15 }.sorted()
        func percentile(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return .nan }
            return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
        }
        p50 = percentile(0.50)
        p95 = percentile(0.95)
        count = sorted.count
    }

    func formatted(_ unit: String = "ms") -> String {
        unit == "µs"
            ? String(format: "%.1f µs / %.1f µs", p50 * 1000, p95 * 1000)
            : String(format: "%.1f ms / %.1f ms", p50, p95)
    }
}

let logger: Logger = {
    var logger = Logger(label: "poolbench")
    logger.logLevel = .error
    return logger
}()
let options = Options(arguments: CommandLine.arguments)
let farDeadline = { ContinuousClock.now + .seconds(120) }

func mb(_ bytes: Int) -> String { String(format: "%.0f MB", Double(bytes) / 1_048_576) }
func mb(_ bytes: Double) -> String { String(format: "%.1f MB", bytes / 1_048_576) }

/// Cold start: spawn → first CDP reply.
func coldStart(_ engine: BrowserEngine) async throws -> Summary {
    var samples: [Duration] = []
    for _ in 0..<max(5, options.runs / 3) {
        let started = ContinuousClock.now
        let browser = try await BrowserLauncher.launch(LaunchOptions(engine: engine), logger: logger)
        samples.append(.now - started)
        await browser.close()
    }
    return Summary(samples)
}

/// Runs a pool for `body`, then shuts it down and waits until every browser is closed.
func withPool<T: Sendable>(_ config: BrowserPoolConfig, _ body: (BrowserPool) async throws -> T) async throws -> T {
    let pool = BrowserPool(config: config, logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await pool.run() }
        defer { pool.requestShutdown() }
        while pool.stats().readyBrowsers < 1 { try await Task.sleep(for: .milliseconds(10)) }
        return try await body(pool)
    }
}

func poolConfig(_ engine: BrowserEngine, prewarm: Int) -> BrowserPoolConfig {
    BrowserPoolConfig(
        minPoolSize: 1, maxPoolSize: 1, initialPoolSize: 1, contextsPerBrowser: 8, prewarmContexts: prewarm,
        healthCheckInterval: .seconds(3600), launch: LaunchOptions(engine: engine))
}

/// Warm lease: no prewarmed context, so each lease creates context + target + attach + Page.enable.
func warmLease(_ engine: BrowserEngine) async throws -> Summary {
    try await withPool(poolConfig(engine, prewarm: 0)) { pool in
        var samples: [Duration] = []
        for _ in 0..<options.runs {
            let acquired = try await pool.withLease(deadline: farDeadline()) { lease in
                precondition(!lease.wasPrewarmed)
                return lease.acquireDuration
            }
            samples.append(acquired)
        }
        return Summary(samples)
    }
}

/// Hot lease: a prewarmed context is waiting each time (we wait for the pool to refill between leases).
func hotLease(_ engine: BrowserEngine) async throws -> Summary {
    try await withPool(poolConfig(engine, prewarm: 2)) { pool in
        var samples: [Duration] = []
        for _ in 0..<options.runs {
            while pool.stats().contextsIdle < 2 { try await Task.sleep(for: .milliseconds(2)) }
            let started = ContinuousClock.now
            let bodyStarted = try await pool.withLease(deadline: farDeadline()) { lease in
                precondition(lease.wasPrewarmed)
                return ContinuousClock.now
            }
            samples.append(bodyStarted - started)
        }
        return Summary(samples)
    }
}

struct MemoryFigures {
    var idle: ProcessTable.Memory
    /// Memory with N extra contexts, per checkpoint N.
    var loaded: [(contexts: Int, memory: ProcessTable.Memory)]
}

/// Memory of one browser idle, then with N extra contexts (each with a page on a small document).
func memory(_ engine: BrowserEngine) async throws -> MemoryFigures {
    let browser = try await BrowserLauncher.launch(LaunchOptions(engine: engine), logger: logger)
    do {
        try await Task.sleep(for: .seconds(1))
        let idle = ProcessTable.memory(ofGroup: browser.pid)
        var loaded: [(contexts: Int, memory: ProcessTable.Memory)] = []
        var pages: [CDPSession] = []
        for checkpoint in options.contextCheckpoints {
            while pages.count < checkpoint {
                let context = try await browser.connection.send(CDP.Target.CreateBrowserContext())
                let page = try await browser.connection.openPage(in: context.browserContextId, timeout: .seconds(10))
                let events = page.events(methods: ["Page.loadEventFired"])
                _ = try await page.send(CDP.Page.Navigate(url: "data:text/html,<h1>context \(pages.count)</h1><p>hello</p>"))
                _ = await events.first(method: "Page.loadEventFired")
                pages.append(page)
            }
            try await Task.sleep(for: .seconds(1))
            loaded.append((checkpoint, ProcessTable.memory(ofGroup: browser.pid)))
        }
        await browser.close()
        return MemoryFigures(idle: idle, loaded: loaded)
    } catch {
        await browser.close()
        throw error
    }
}

/// CDP round trips on an attached page: a tiny reply, then (in a separate loop: a small evaluate right
/// after a 1 MiB one mostly measures V8's garbage collection) a 1 MiB string reply.
func roundTrips(_ engine: BrowserEngine) async throws -> (small: Summary, large: Summary) {
    let browser = try await BrowserLauncher.launch(LaunchOptions(engine: engine), logger: logger)
    do {
        let connection = browser.connection
        let context = try await connection.send(CDP.Target.CreateBrowserContext())
        let target = try await connection.send(
            CDP.Target.CreateTarget(url: "about:blank", browserContextId: context.browserContextId))
        let page = try await connection.attach(toTarget: target.targetId)
        var small: [Duration] = []
        for _ in 0..<options.runs * 3 {
            let started = ContinuousClock.now
            _ = try await page.send(CDP.Runtime.Evaluate(expression: "1 + 1"))
            small.append(.now - started)
        }
        _ = try await page.send(CDP.Runtime.Evaluate(expression: "window.big = 'x'.repeat(1 << 20); 0"))
        var large: [Duration] = []
        for _ in 0..<options.runs * 3 {
            let started = ContinuousClock.now
            let reply = try await page.send(CDP.Runtime.Evaluate(expression: "window.big"))
            precondition(reply.result.value?.stringValue?.utf8.count == 1 << 20)
            large.append(.now - started)
        }
        await browser.close()
        return (Summary(small), Summary(large))
    } catch {
        await browser.close()
        throw error
    }
}

let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
    .split(separator: "\n").first { $0.hasPrefix("model name") }?.split(separator: ":").last?
    .trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
let cores = ProcessInfo.processInfo.activeProcessorCount
let memoryGiB = Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824
let date = ISO8601DateFormatter().string(from: Date())
/// Other work on the machine skews the figures: say how busy it was.
func loadAverage() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
}
let loadBefore = loadAverage()

print("## Browser pool")
print()
print("Machine: \(cpu), \(cores) cores, \(String(format: "%.0f", memoryGiB)) GiB; \(date).")
print("Command: `swift build -c release --product PoolBench && .build/release/PoolBench --runs \(options.runs) --contexts \(options.contextCheckpoints.map(String.init).joined(separator: ","))`.")
print("Runs per figure: \(options.runs) (cold start: \(max(5, options.runs / 3))). p50 / p95. Load average before: \(loadBefore).")
print()
print("| engine | cold start → first CDP reply | warm lease (context + target + attach + Page.enable) | hot lease (prewarmed) |")
print("|---|---|---|---|")
var memoryRows: [String] = []
var roundTripRows: [String] = []
for engine in options.engines {
    let trips = try await roundTrips(engine)
    roundTripRows.append("| \(engine.rawValue) | \(trips.small.formatted()) | \(trips.large.formatted()) |")
    let cold = try await coldStart(engine)
    let warm = try await warmLease(engine)
    let hot = try await hotLease(engine)
    print("| \(engine.rawValue) | \(cold.formatted()) | \(warm.formatted()) | \(hot.formatted("µs")) |")
    let figures = try await memory(engine)
    var row = "| \(engine.rawValue) | \(mb(figures.idle.pssBytes)) / \(mb(figures.idle.rssBytes)) (\(figures.idle.processes) processes)"
    var previous = (contexts: 0, memory: figures.idle)
    for (contexts, memory) in figures.loaded {
        let average = Double(memory.pssBytes - figures.idle.pssBytes) / Double(contexts)
        let marginal = Double(memory.pssBytes - previous.memory.pssBytes) / Double(contexts - previous.contexts)
        let marginalRSS = Double(memory.rssBytes - previous.memory.rssBytes) / Double(contexts - previous.contexts)
        row += " | \(mb(memory.pssBytes)) / \(mb(memory.rssBytes)) | \(mb(average)) | **\(mb(marginal))** / \(mb(marginalRSS))"
        previous = (contexts, memory)
    }
    memoryRows.append(row + " |")
}
print()
print("Memory of one browser's whole process tree from /proc (PSS / RSS, summed over its process group), idle and with N extra contexts, each a page on a small document. *Average* = (with N − idle) / N; *marginal* = what each context added since the previous column (PSS / RSS): the first context's figure includes the one-time cost every renderer shares, the later ones are the cost of one more context.")
print()
var header = "| engine | idle"
var rule = "|---|---"
var last = 0
for contexts in options.contextCheckpoints {
    let span = last + 1 == contexts ? "context \(contexts)" : "contexts \(last + 1)–\(contexts)"
    header += " | +\(contexts) contexts | average per context | marginal, \(span)"
    rule += "|---|---|---"
    last = contexts
}
print(header + " |")
print(rule + "|")
for row in memoryRows { print(row) }
print()
print("CDP round trip on an attached page (`Runtime.evaluate`, returnByValue), \(options.runs * 3) each:")
print()
print("| engine | `1 + 1` | a 1 MiB string |")
print("|---|---|---|")
for row in roundTripRows { print(row) }
print()
print("Load average after: \(loadAverage()).")
