// StatefulBench: stateful rendering at three depths on the same page, the same pool and in the same run —
// the Headless `Renderer` directly, the session-aware `RenderService` in process (the Rendering target, no
// HTTP), and the whole JSON-RPC stack over HTTP — then a session call that restores cookies + localStorage
// into a fresh context versus a keep_warm session call.
//   swift build -c release --product StatefulBench && .build/release/StatefulBench [--renders N] [--backend memory|sqlite|postgres]
// (postgres: a PostgreSQL 15 of Debian's started in a temporary directory with its defaults, fsync at
// every commit, on 127.0.0.1, and stopped at the end.)
// With `--tenants` it measures only what tenants add to a render through the whole stack (issue 11:
// key, limit checks and metering against the same build without a tenants file, interleaved).
// Prints a Markdown section for BENCHMARKS.md. Every browser it starts is closed before it exits.
import AsyncHTTPClient
import Egress
import FixtureServer
import Foundation
import Headless
import Logging
import NIOCore
import NIOFoundationEssentialsCompat
import NIOHTTP1
import NIOPosix
import PostgresSandbox
import Rendering
import RenderTypes
import RpcServer
import SessionContext

struct Options {
    var renders = 200
    var warmup = 20
    var backend = SessionsConfiguration.Backend.memory
    var tenants = false
    /// With `--tenants`: start the server with the tenants file first (its pool too), to see how much of
    /// a difference is the order the two servers were started in.
    var swap = false

    init(arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--renders": renders = iterator.next().flatMap(Int.init) ?? renders
            case "--backend": backend = iterator.next().flatMap(SessionsConfiguration.Backend.init(rawValue:)) ?? backend
            case "--tenants": tenants = true
            case "--swap": swap = true
            default:
                FileHandle.standardError.write(Data("unknown argument \(argument)\n".utf8))
                exit(2)
            }
        }
    }
}

enum BenchError: Error, CustomStringConvertible {
    case rpc(String)
    var description: String {
        switch self {
        case .rpc(let text): "render failed: \(text)"
        }
    }
}

/// Percentiles of milliseconds.
struct Summary {
    let sorted: [Double]
    init(_ values: [Double]) { sorted = values.sorted() }
    func percentile(_ p: Double) -> Double {
        sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * p).rounded(.up)) - 1))]
    }
    var p50: Double { percentile(0.5) }
    var p95: Double { percentile(0.95) }
}

func ms(_ d: Duration) -> Double { Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) / 1e15 }
func f2(_ v: Double) -> String { String(format: "%.2f", v) }
func f1(_ v: Double) -> String { String(format: "%.1f", v) }

// As in `tidepool serve` (Sources/tidepool/main.swift): Swift concurrency on NIO's event loops.
NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()

let options = Options(arguments: CommandLine.arguments)
let logger: Logger = {
    var logger = Logger(label: "statefulbench")
    logger.logLevel = .error
    return logger
}()

/// JSON-RPC over one keep-alive HTTP connection pool.
struct Client {
    let url: String
    /// Sent as `Authorization: Bearer <key>` when set (a tenant's key).
    var key: String? = nil

    func render(_ params: JSONValue) async throws -> JSONValue {
        try await call("render", params)
    }

    func call(_ method: String, _ params: JSONValue) async throws -> JSONValue {
        var request = HTTPClientRequest(url: url + "/rpc")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        request.body = .bytes(ByteBuffer(data: try JSONValue.object(["jsonrpc": "2.0", "method": .string(method), "params": params, "id": 1]).jsonData()))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let answer = try JSONValue(parsing: Data(buffer: try await response.body.collect(upTo: 64 << 20)))
        guard let result = answer["result"] else { throw BenchError.rpc(answer.jsonString()) }
        return result
    }
}

/// Runs a whole Tidepool server (with `pool`) on an ephemeral port for `body`, which also gets the server's
/// render path to call in process.
func withServer<T: Sendable>(
    pool: BrowserPool, data: String, tenantsFile: String? = nil, _ body: (Client, RenderService) async throws -> T
) async throws -> T {
    var configuration = TidepoolServer.Configuration()
    configuration.http.port = 0
    configuration.http.tenantsFile = tenantsFile
    configuration.sessions.backend = options.backend
    configuration.sessions.databaseURL = databaseURL
    configuration.sessions.dataDirectory = data
    let server = try await TidepoolServer.make(configuration: configuration, pool: pool, logger: logger)
    return try await server.withRunning { port in
        try await body(Client(url: "http://127.0.0.1:\(port)"), server.renders!)
    }
}

/// Waits until the pool has a ready browser with its prewarmed contexts.
func waitForPool(_ pool: BrowserPool) async throws {
    while true {
        let stats = pool.stats()
        if stats.readyBrowsers >= 1 && stats.contextsIdle >= 2 { return }
        try await Task.sleep(for: .milliseconds(20))
    }
}

let data = NSTemporaryDirectory() + "statefulbench-" + UUID().uuidString.prefix(8)
try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: data) }

/// Wall time and time outside the browser stages of one call, ms.
struct Call {
    var wall: Double
    /// Wall time minus the lease, navigation, wait, actions and capture stages the Renderer measured:
    /// what the layers around the browser work add (RPC, sessions, queue).
    var outside: Double
    /// The server's own render time minus the same stages: the part of `outside` spent in the server.
    var inServer: Double
    var queue: Double
    var context: String

    init(wall: Double, _ result: DynamicRenderResult) {
        let t = result.timings
        let stages = t.leaseMs + t.navigationMs + t.waitMs + t.actionsMs + t.captureMs
        self.wall = wall
        self.outside = wall - stages
        self.inServer = result.renderTimeMs - stages
        self.queue = t.queueMs
        self.context = result.context.map { "\($0)" } ?? "none"
    }
}

func decodeResult(_ value: JSONValue) throws -> DynamicRenderResult {
    try JSONDecoder().decode(DynamicRenderResult.self, from: value.jsonData())
}

/// Part 1: the same page through the Renderer directly and through the JSON-RPC stack without and with a
/// session, interleaved so drift of the machine (other engineers' builds) hits every variant alike.
func measureOverhead(client: Client, renders: RenderService, renderer: Renderer, url: String) async throws
    -> [String: [Call]]
{
    var calls: [String: [Call]] = [:]
    for round in 0..<(options.warmup + options.renders) {
        var inRound: [(String, Call)] = []
        var start = ContinuousClock.now
        var outcome = try await renderer.render(RenderRequest(url: url, receivedAt: start))
        inRound.append(("direct", Call(wall: ms(.now - start), outcome.result)))
        start = ContinuousClock.now
        outcome = try await renderer.render(
            RenderRequest(url: url, receivedAt: start, stealthSeed: "bench", state: BrowserState(), collectState: true))
        inRound.append(("directState", Call(wall: ms(.now - start), outcome.result)))
        start = ContinuousClock.now
        var served = try await renders.render(RenderParams(url: url))
        inRound.append(("service", Call(wall: ms(.now - start), served)))
        start = ContinuousClock.now
        served = try await renders.render(RenderParams(url: url, sessionId: "overhead-in-process"))
        inRound.append(("serviceSession", Call(wall: ms(.now - start), served)))
        start = ContinuousClock.now
        var result = try await client.render(["url": .string(url)])
        inRound.append(("rpc", Call(wall: ms(.now - start), try decodeResult(result))))
        start = ContinuousClock.now
        result = try await client.render(["url": .string(url), "session_id": "overhead"])
        inRound.append(("rpcSession", Call(wall: ms(.now - start), try decodeResult(result))))
        if round >= options.warmup {
            for (name, call) in inRound { calls[name, default: []].append(call) }
        }
    }
    return calls
}

/// One session call: wall time, lease (context + prepare + restore) and queue, ms.
struct SessionCall {
    var total: Double
    var lease: Double
    var queue: Double
}

/// Part 2: a session whose cookies and localStorage are restored into a fresh context on every call,
/// versus a keep_warm session, with the same state, alternating.
func measureKeepWarm(client: Client, site: FixtureServer, url: String) async throws -> (cold: [SessionCall], warm: [SessionCall]) {
    let cookies: JSONValue = .array((0..<5).map { index in
        ["name": .string("c\(index)"), "value": .string(String(repeating: "v", count: 32)), "domain": "127.0.0.1"]
    })
    let items = (0..<10).map { "key\($0)=\(String(repeating: "x", count: 64))" }.joined(separator: "&")
    _ = try await client.call("session.create", ["session_id": "cold"])
    _ = try await client.call("session.create", ["session_id": "warm", "keep_warm": true])
    for session in ["cold", "warm"] {
        _ = try await client.call("cookies.set", ["session_id": .string(session), "cookies": cookies])
        _ = try await client.render(["url": .string(site.url("/storage/write.html?" + items)), "session_id": .string(session)])
    }
    var cold: [SessionCall] = [], warm: [SessionCall] = []
    for round in 0..<(options.warmup + options.renders) {
        for session in ["cold", "warm"] {
            let start = ContinuousClock.now
            let result = try decodeResult(try await client.render(["url": .string(url), "session_id": .string(session)]))
            let call = SessionCall(total: ms(.now - start), lease: result.timings.leaseMs, queue: result.timings.queueMs)
            guard round >= options.warmup else { continue }
            if session == "cold" { cold.append(call) } else { warm.append(call) }
        }
    }
    return (cold, warm)
}

/// The Markdown report of both parts.
func report(_ calls: [String: [Call]], cold: [SessionCall], warm: [SessionCall], stats: PoolStats) -> String {
    func walls(_ name: String) -> [Double] { (calls[name] ?? []).map(\.wall) }
    func outside(_ name: String) -> Summary { Summary((calls[name] ?? []).map(\.outside)) }
    func paired(_ a: String, _ b: String) -> Summary {
        Summary(zip(calls[a] ?? [], calls[b] ?? []).map { $0.wall - $1.wall })
    }
    func row(_ label: String, _ name: String, pairedWith base: String?) -> String {
        let wall = Summary(walls(name))
        let difference = base.map { f2(paired(name, $0).p50) } ?? "—"
        return "| \(label) | \(f2(wall.p50)) | \(f2(wall.p95)) | \(f2(outside(name).p50)) | \(f2(outside(name).p95)) | \(difference) |"
    }
    let coldPrep = Summary(cold.map { $0.lease + $0.queue }), warmPrep = Summary(warm.map { $0.lease + $0.queue })
    var lines: [String] = []
    lines.append("Machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, load \(loadAverage()); session backend \(options.backend.rawValue); \(options.renders) measured renders per variant after \(options.warmup) warm-up, interleaved; one headless-shell browser, 8 contexts, 2 prewarmed; page /static.html of the fixture site.")
    lines.append("")
    lines.append("**RPC + session overhead** (ms per call; AsyncHTTPClient over keep-alive loopback in the same process; *outside the browser* = wall time minus the lease, navigation, wait, actions and capture stages the Renderer measured; *paired* = median of the per-round differences of wall time):")
    lines.append("")
    lines.append("| variant | wall p50 | wall p95 | outside the browser p50 | p95 | paired wall difference p50 |")
    lines.append("|---|---|---|---|---|---|")
    lines.append(row("`Renderer.render` directly", "direct", pairedWith: nil))
    lines.append(row("`Renderer.render` directly, state read back (`collectState`)", "directState", pairedWith: "direct"))
    lines.append(row("`RenderService.render` in process (Rendering, no HTTP), no session", "service", pairedWith: "direct"))
    lines.append(row("`RenderService.render` in process with a session", "serviceSession", pairedWith: "directState"))
    lines.append(row("`render` over HTTP JSON-RPC, no session", "rpc", pairedWith: "direct"))
    lines.append(row("`render` over HTTP JSON-RPC with a session", "rpcSession", pairedWith: "directState"))
    lines.append("")
    lines.append("Outside-the-browser p50 over the Renderer's: in process \(f2(outside("service").p50 - outside("direct").p50)) ms, with a session (admission, lock, state load, write-back) \(f2(outside("serviceSession").p50 - outside("directState").p50)) ms; over JSON-RPC \(f2(outside("rpc").p50 - outside("direct").p50)) ms, with a session \(f2(outside("rpcSession").p50 - outside("directState").p50)) ms.")
    lines.append("")
    lines.append("**State restore vs keep_warm** (a session with 5 cookies and 10 localStorage items of 64 B on the page's origin; ms):")
    lines.append("")
    lines.append("| session | lease_ms p50 (context + prepare + restore) | queue_ms + lease_ms p50 | p95 | render wall p50 |")
    lines.append("|---|---|---|---|---|")
    lines.append("| restored into a fresh context | \(f2(Summary(cold.map(\.lease)).p50)) | \(f2(coldPrep.p50)) | \(f2(coldPrep.p95)) | \(f2(Summary(cold.map(\.total)).p50)) |")
    lines.append("| keep_warm (context kept, no restore) | \(f2(Summary(warm.map(\.lease)).p50)) | \(f2(warmPrep.p50)) | \(f2(warmPrep.p95)) | \(f2(Summary(warm.map(\.total)).p50)) |")
    lines.append("")
    lines.append("keep_warm saves \(f1(100 * (1 - warmPrep.p50 / coldPrep.p50)))% of lease+restore time (queue + lease, p50); pool after the run: \(stats.contextsHeld) held context(s), \(stats.restarts) restarts.")
    return lines.joined(separator: "\n")
}

/// Runs both measurements and returns the Markdown report.
func measure(data: String) async throws -> String {
    let pool = BrowserPool(
        config: BrowserPoolConfig(
            minPoolSize: 1, maxPoolSize: 1, initialPoolSize: 1, contextsPerBrowser: 8, prewarmContexts: 2,
            egress: EgressPolicy(allowed: [IPNetwork("127.0.0.0/8")!])),  // the fixture site is on loopback
        logger: logger)
    return try await FixtureServer.withRunning { site in
        try await withServer(pool: pool, data: data) { client, renders in
            try await waitForPool(pool)
            let url = site.url("/static.html")
            let calls = try await measureOverhead(
                client: client, renders: renders, renderer: Renderer(provider: pool, logger: logger), url: url)
            let (cold, warm) = try await measureKeepWarm(client: client, site: site, url: url)
            return report(calls, cold: cold, warm: warm, stats: pool.stats())
        }
    }
}

/// Part 3 (`--tenants`, alone): what tenants add to a render through the whole stack (HTTP, the key's
/// tenant, the limit checks before the lease, metering settled after), against the same build without a
/// tenants file. Two servers, each with its own pool of one browser of the same configuration: `plain`
/// has no tenants file (callers are the `default` tenant: metered, no key, no limits); `tenants` has a
/// file of 10 tenants, and its caller's tenant has all six limits set far above what the run uses, so
/// every call passes every check. Calls alternate between the servers, the order swapped each round.
func measureTenants(data: String) async throws -> String {
    func makePool() -> BrowserPool {
        BrowserPool(
            config: BrowserPoolConfig(
                minPoolSize: 1, maxPoolSize: 1, initialPoolSize: 1, contextsPerBrowser: 8, prewarmContexts: 2,
                egress: EgressPolicy(allowed: [IPNetwork("127.0.0.0/8")!])),
            logger: logger)
    }
    let key = TenantKey.generate()
    let others = (1...9).map { index -> JSONValue in
        ["id": .string("other\(index)"), "keys_sha256": [.string(TenantKey.hexDigest(of: TenantKey.generate()))]]
    }
    let limits: JSONValue = [
        "concurrent_renders": 64, "renders_per_minute": 1_000_000, "renders_per_day": 100_000_000,
        "browser_seconds_per_day": 100_000_000, "bytes_per_day": 1_000_000_000_000, "max_sessions": 100_000,
    ]
    let file = data + "/tenants.json"
    let tenants: JSONValue = [
        "tenants": .array([["id": "bench", "keys_sha256": [.string(TenantKey.hexDigest(of: key))], "limits": limits]] + others)
    ]
    try tenants.jsonString().write(toFile: file, atomically: true, encoding: .utf8)
    try FileManager.default.createDirectory(atPath: data + "/plain", withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: data + "/tenants", withIntermediateDirectories: true)
    let (firstPool, secondPool) = (makePool(), makePool())
    let (plainPool, tenantsPool) = options.swap ? (secondPool, firstPool) : (firstPool, secondPool)
    let started = loadAverage()
    // The server started first (outer) gets the pool made first.
    func withBoth<T: Sendable>(_ body: (_ plain: Client, _ withTenants: Client) async throws -> T) async throws -> T {
        if options.swap {
            return try await withServer(pool: tenantsPool, data: data + "/tenants", tenantsFile: file) { withTenants, _ in
                try await withServer(pool: plainPool, data: data + "/plain") { plain, _ in try await body(plain, withTenants) }
            }
        }
        return try await withServer(pool: plainPool, data: data + "/plain") { plain, _ in
            try await withServer(pool: tenantsPool, data: data + "/tenants", tenantsFile: file) { withTenants, _ in
                try await body(plain, withTenants)
            }
        }
    }
    return try await FixtureServer.withRunning { site in
        try await withBoth { plain, withTenants in
            try await waitForPool(plainPool)
            try await waitForPool(tenantsPool)
            var keyed = withTenants
            keyed.key = key
            let url = site.url("/static.html")
            let variants: [(name: String, client: Client, params: JSONValue)] = [
                ("plain", plain, ["url": .string(url)]),
                ("tenants", keyed, ["url": .string(url)]),
                ("plainSession", plain, ["url": .string(url), "session_id": "bench"]),
                ("tenantsSession", keyed, ["url": .string(url), "session_id": "bench"]),
            ]
            var calls: [String: [Call]] = [:]
            for round in 0..<(options.warmup + options.renders) {
                // plain, tenants, plain with a session, tenants with a session — then the reverse.
                let order = round.isMultiple(of: 2) ? [0, 1, 2, 3] : [1, 0, 3, 2]
                for index in order {
                    let variant = variants[index]
                    let start = ContinuousClock.now
                    let result = try await variant.client.render(variant.params)
                    let call = Call(wall: ms(.now - start), try decodeResult(result))
                    if round >= options.warmup { calls[variant.name, default: []].append(call) }
                }
            }
            let usage = try await keyed.call("usage.get", ["period": "day"])
            return tenantsReport(calls, started: started, usage: usage, inProcess: try measureTenantSteps(file: file, key: key))
        }
    }
}

/// The tenant steps of a render alone, in process, ns per call (median of 5 batches): the key's lookup
/// (SHA-256, compared in constant time with every hash of the file), and the ledger's admission and
/// settlement with every limit set against the `default` tenant's without limits.
func measureTenantSteps(file: String, key: String) throws -> (lookup: Double, limited: Double, unlimited: Double) {
    let directory = try TenantDirectory(path: file)
    let keyBytes = Array(key.utf8)
    let ledger = UsageLedger(store: nil, logger: logger)
    let bench = try TenantID(validating: "bench")
    ledger.setLimits([
        bench: TenantLimits(
            concurrentRenders: 64, rendersPerMinute: 1_000_000_000, rendersPerDay: 1_000_000_000,
            browserSecondsPerDay: 1_000_000_000, bytesPerDay: 1_000_000_000_000_000, maxSessions: 100_000)
    ])
    let spent = UsageFigures(browserMs: 50, bytesIn: 30_000, bytesOut: 2_000, renders: 1)
    func nanoseconds(_ iterations: Int, _ body: () throws -> Void) rethrows -> Double {
        var batches: [Double] = []
        for _ in 0..<5 {
            let start = ContinuousClock.now
            for _ in 0..<iterations { try body() }
            batches.append(ms(.now - start) * 1e6 / Double(iterations))
        }
        return Summary(batches).p50
    }
    let lookup = nanoseconds(20_000) { precondition(directory.tenant(forKey: keyBytes) == bench) }
    let limited = try nanoseconds(100_000) { ledger.settle(try ledger.admit(bench), spent: spent) }
    let unlimited = try nanoseconds(100_000) { ledger.settle(try ledger.admit(.default), spent: spent) }
    return (lookup, limited, unlimited)
}

/// The Markdown report of `--tenants`.
func tenantsReport(
    _ calls: [String: [Call]], started: String, usage: JSONValue, inProcess: (lookup: Double, limited: Double, unlimited: Double)
) -> String {
    func percentile(_ values: [Double], _ p: Double) -> Double { Summary(values).percentile(p) }
    func row(_ label: String, _ name: String) -> String {
        let all = calls[name] ?? []
        let wall = all.map(\.wall), outside = all.map(\.outside)
        return "| \(label) | \(f2(percentile(wall, 0.5))) | \(f2(percentile(wall, 0.9))) | \(f2(percentile(outside, 0.5))) | \(f2(percentile(outside, 0.9))) |"
    }
    func difference(_ with: String, _ without: String) -> String {
        let a = calls[with] ?? [], b = calls[without] ?? []
        let outside50 = percentile(a.map(\.outside), 0.5) - percentile(b.map(\.outside), 0.5)
        let outside90 = percentile(a.map(\.outside), 0.9) - percentile(b.map(\.outside), 0.9)
        let wall50 = percentile(a.map(\.wall), 0.5) - percentile(b.map(\.wall), 0.5)
        let pairedOutside = percentile(zip(a, b).map { $0.outside - $1.outside }, 0.5)
        let pairedWall = percentile(zip(a, b).map { $0.wall - $1.wall }, 0.5)
        return "| \(with) − \(without) | \(f2(outside50)) | \(f2(outside90)) | \(f2(pairedOutside)) | \(f2(wall50)) | \(f2(pairedWall)) |"
    }
    var lines: [String] = []
    lines.append("Machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, load \(started) at the start, \(loadAverage()) at the end; session backend \(options.backend.rawValue); \(options.renders) measured renders per variant after \(options.warmup) warm-up rounds, interleaved (order reversed every other round); two servers of the same build, each with one headless-shell browser (8 contexts, 2 prewarmed), the one \(options.swap ? "with" : "without") the tenants file started first; page /static.html of the fixture site.")
    lines.append("")
    lines.append("| variant (ms) | wall p50 | wall p90 | outside the browser p50 | outside p90 |")
    lines.append("|---|---|---|---|---|")
    lines.append(row("`plain`: no tenants file, no session", "plain"))
    lines.append(row("`tenants`: key + every limit, no session", "tenants"))
    lines.append(row("`plain`, with a session", "plainSession"))
    lines.append(row("`tenants`, with a session", "tenantsSession"))
    lines.append("")
    lines.append("| difference (ms) | outside p50 | outside p90 | paired outside p50 | wall p50 | paired wall p50 |")
    lines.append("|---|---|---|---|---|---|")
    lines.append(difference("tenants", "plain"))
    lines.append(difference("tenantsSession", "plainSession"))
    lines.append("")
    lines.append("Where *outside* goes, p50 (ms): " + ["plain", "tenants", "plainSession", "tenantsSession"].map { name in
        let all = calls[name] ?? []
        let contexts = Dictionary(grouping: all, by: \.context).mapValues(\.count).sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        return "\(name): in the server \(f2(percentile(all.map(\.inServer), 0.5))), queue \(f2(percentile(all.map(\.queue), 0.5))), contexts \(contexts.joined(separator: "/"))"
    }.joined(separator: "; ") + ".")
    lines.append("")
    lines.append("In process, per call (median of 5 batches): the key's tenant \(f2(inProcess.lookup / 1000)) µs (10 tenants' hashes); the ledger's admit + settle \(f2(inProcess.limited / 1000)) µs with every limit set, \(f2(inProcess.unlimited / 1000)) µs for `default` without limits.")
    lines.append("")
    lines.append("usage.get of the tenant at the end (day): \(usage["usage"]?.jsonString() ?? "?")")
    return lines.joined(separator: "\n")
}

/// With `--backend postgres`: the server the sessions live in, and its database the servers use.
let sandbox = options.backend == .postgres ? try await PostgresSandbox.start(durability: .standard) : nil
let databaseURL = sandbox?.url(database: "statefulbench")
do {
    try await sandbox?.createDatabase("statefulbench")
    let report = try await options.tenants ? measureTenants(data: data) : measure(data: data)
    print(report)
} catch {
    await sandbox?.shutdown()
    throw error
}
await sandbox?.shutdown()

func loadAverage() -> String {
    ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").split(separator: " ").prefix(3).joined(separator: " ")
}
