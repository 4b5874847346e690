// Soak: a mixed workload through a real `tidepool serve` for a long time, watching what must not grow.
//   swift build -c release --product Soak --product tidepool && .build/release/Soak [--minutes 30] [--callers 8]
// 8 callers render, through RpcClient over HTTP, a mix of page kinds (static, slow, scrolling, login
// sessions, screenshots, PDFs, and every hostile page: dialogs, popups, a download, a huge document, a
// refresh loop, an endless loop, a renderer out of memory); every 10 s it samples the server's RSS,
// PSS, anonymous memory and heap in use (its /metrics), its browsers' PSS (the whole process tree),
// CPU, renderer processes, open descriptors and Chromium's temporary profiles. At minute 5 the load
// pauses for a minute, so memory is compared idle with idle. It writes samples.csv, summary.md and
// memory.png (matplotlib) into Benchmarks/results/soak-<date>/ and exits 1 when an unexpected error
// happened, memory grew past 1.2× its minute-5 value, or anything was left behind.
import FixtureServer
import Foundation
import RenderTypes
import RpcClient

struct Options {
    var minutes = 30.0
    var callers = 8
    var sampleSeconds = 10.0
    /// Only these kinds (`--kinds popups,download`), to chase one kind's failures; nil: the whole mix.
    var kinds: Set<Workload.Kind>?

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--minutes": minutes = iterator.next().flatMap(Double.init) ?? minutes
            case "--callers": callers = iterator.next().flatMap(Int.init) ?? callers
            case "--sample-secs": sampleSeconds = iterator.next().flatMap(Double.init) ?? sampleSeconds
            case "--kinds":
                let names = (iterator.next() ?? "").split(separator: ",").map(String.init)
                let chosen = names.compactMap(Workload.Kind.init(rawValue:))
                guard !chosen.isEmpty, chosen.count == names.count else {
                    FileHandle.standardError.write(Data("--kinds takes a comma-separated list of: \(Workload.Kind.allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
                    exit(2)
                }
                kinds = Set(chosen)
            default:
                FileHandle.standardError.write(Data("unknown argument \(argument)\n".utf8))
                exit(2)
            }
        }
    }
}

let options = Options(CommandLine.arguments)
let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
let output = "Benchmarks/results/soak-\(stamp)"
try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tidepool").path
let site = try await FixtureServer.start()
let server = try SoakServer(binary: binary, logs: output)
let client = try RpcClient(url: server.url, configuration: .init(retryPolicy: .none, timeout: .seconds(90)))
let tally = Tally()
let sampler = Sampler(serverPid: server.pid, temporaryDirectory: server.temporaryDirectory, cpuGroup: server.cpuGroup)
let loadSeconds = options.minutes * 60
/// The warm-up: the load stops for `pauseSamples` samples 15 s apart at minute 5 (or halfway through a
/// shorter run), so the memory the goal compares against ("its value at minute 5") is read in the
/// state the end is read in: idle, the same time after the load stopped.
let warmSeconds = min(300, loadSeconds / 2)
let pauseSamples = 4
let idleSamples = 8
print("soak: \(options.callers) callers for \(options.minutes) min against \(server.url); results in \(output)")

/// The workload with `options.callers` callers and a sample every `sampleSeconds`, for `seconds`;
/// `round` numbers continue across phases.
let rounds = RoundCounter(callers: options.callers)
func load(for seconds: Double) async throws {
    let deadline = ContinuousClock.now + .seconds(seconds)
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            while ContinuousClock.now < deadline {
                sampler.sample(heapBytes: await Sampler.heapInUse(at: server.url))
                try await Task.sleep(for: .seconds(options.sampleSeconds))
            }
        }
        for caller in 0..<options.callers {
            group.addTask {
                while ContinuousClock.now < deadline {
                    let round = rounds.next(caller)
                    let kind = Workload.pick(round: round, caller: caller, among: options.kinds)
                    let started = ContinuousClock.now
                    let outcome = await Workload.run(kind, caller: caller, round: round + 1, client: client, site: site)
                    tally.record(kind, outcome, ms: Double((ContinuousClock.now - started).components.attoseconds) / 1e15
                        + Double((ContinuousClock.now - started).components.seconds) * 1000)
                }
            }
        }
        try await group.waitForAll()
    }
}

/// `count` samples 15 s apart with no load.
func idle(_ count: Int) async throws {
    for _ in 0..<count {
        try await Task.sleep(for: .seconds(15))
        sampler.sample(heapBytes: await Sampler.heapInUse(at: server.url))
    }
}

try await load(for: warmSeconds)
try await idle(pauseSamples)
let pauseEnds = sampler.samples.count
try await load(for: loadSeconds - warmSeconds)
// Idle: what is left once the work stopped, 15 s after and then every 15 s for two minutes, so memory
// held only while the server winds down is told apart from memory it keeps.
try await idle(idleSamples)
let poolStats = try? await client.poolStats()
await client.shutdown()
let leftovers = await server.stop()
await site.stop()
let report = Report(
    tally: tally, samples: sampler.samples, pause: (pauseEnds - pauseSamples)..<pauseEnds, idleSamples: idleSamples,
    poolStats: poolStats, leftovers: leftovers, options: options)
try report.write(to: output)
print(report.summary)
exit(report.passed ? 0 : 1)
