import FixtureServer
import Foundation
import Headless
import NIOHTTP1
import RenderTypes
import Testing
import TestSupport

/// A cluster for one test: `tidepool serve` processes (one browser each, unless told otherwise) on
/// one fresh database of the shared test PostgreSQL (or the given one), each on 127.0.0.1 and a
/// port of its own that it advertises, and the fixture site. Every node still running is stopped
/// (SIGTERM) when the body ends, whatever it did.
final class TestCluster {
    let nodes: [ServeProcess]
    let site: FixtureServer
    let databaseURL: String
    let directory: String
    /// The bearer token every node requires (`--token`), if any.
    let token: String?

    /// One browser per node: what the render tests need, and no more on the 2-core machine.
    static let oneBrowser = ["BROWSER_MIN_POOL_SIZE": "1", "BROWSER_INITIAL_POOL_SIZE": "1", "BROWSER_MAX_POOL_SIZE": "1"]

    private init(nodes: [ServeProcess], site: FixtureServer, databaseURL: String, directory: String, token: String?) {
        self.nodes = nodes
        self.site = site
        self.databaseURL = databaseURL
        self.directory = directory
        self.token = token
    }

    /// Runs `body` with `count` nodes that all see each other alive (each requiring `token`, if given).
    static func with(
        nodes count: Int = 2, browsers: Bool = true, databaseURL: String? = nil, token: String? = nil,
        arguments: [String] = [], _ body: (TestCluster) async throws -> Void
    ) async throws {
        guard let databaseURL else {
            try await TestPostgres.withDatabase { url in
                try await with(nodes: count, browsers: browsers, databaseURL: url, token: token, arguments: arguments, body)
            }
            return
        }
        let arguments = arguments + (token.map { ["--token", $0] } ?? [])
        let directory = try TemporaryDirectory(prefix: "tidepool-cluster")
        defer { directory.remove() }
        try await FixtureServer.withRunning { site in
            var nodes: [ServeProcess] = []
            do {
                for index in 0..<count {
                    nodes.append(
                        try startNode(
                            "node-\(index)", databaseURL: databaseURL, directory: directory.path, browsers: browsers,
                            arguments: arguments))
                }
                for node in nodes { try await node.waitUntilListening() }
                let cluster = TestCluster(
                    nodes: nodes, site: site, databaseURL: databaseURL, directory: directory.path, token: token)
                try await cluster.waitUntilFormed()
                try await body(cluster)
                for node in nodes where node.process.isRunning { try await node.stop(with: SIGTERM) }
            } catch {
                // A node that died says why (a crash's report is in its log), not only its callers' errors.
                for node in nodes where !node.process.isRunning {
                    Issue.record("node \(node.nodeID) exited (\(node.process.terminationStatus)); its log ends: \(node.stderr.suffix(4000))")
                }
                for node in nodes where node.process.isRunning { _ = try? await node.stop(with: SIGTERM) }
                throw error
            }
        }
    }

    /// Starts node `id` on a free port it advertises, its data under `directory/id`.
    static func startNode(
        _ id: String, databaseURL: String, directory: String, browsers: Bool, arguments: [String]
    ) throws -> ServeProcess {
        let port = try freePort()
        return try ServeProcess(
            arguments: [
                "--port", "\(port)", "--node-id", id, "--advertise-url", "http://127.0.0.1:\(port)",
                "--session-backend", "postgres", "--data-dir", directory + "/" + id,
            ] + arguments,
            environment: (browsers ? oneBrowser : [:]).merging(["TIDEPOOL_DATABASE_URL": databaseURL]) { _, new in new },
            logs: directory)
    }

    /// Waits until every running node answers /health with 200 and lists every running node alive.
    func waitUntilFormed(timeout: Duration = .seconds(60)) async throws {
        let running = nodes.indices.filter { nodes[$0].process.isRunning }
        let ids = Set(running.map { nodes[$0].nodeID })
        try await eventually("the cluster formed", timeout: timeout) {
            for node in running.map(node) {
                guard try await node.request(.GET, "/health").status == 200 else { return false }
                let listed = try await node.result("cluster.nodes")["nodes"]?.arrayValue ?? []
                let alive = Set(listed.filter { $0["alive"] == true }.compactMap { $0["node_id"]?.stringValue })
                guard ids.isSubset(of: alive) else { return false }
            }
            return true
        }
    }

    /// Node `index`'s HTTP surface (with the cluster's token), to call from concurrent tasks.
    func node(_ index: Int) -> Endpoint {
        Endpoint(baseURL: nodes[index].baseURL, token: token)
    }

    /// The browsers `node` started (each leads a process group of its own), to watch after the node is gone.
    static func browserGroups(of node: ServeProcess) -> [Int32] {
        let parent = node.process.processIdentifier
        return ProcessTable.snapshot().filter { $0.parent == parent && !$0.isZombie }.map(\.pid)
    }
}

/// A node (or the balancer) by URL: what concurrent tasks call.
struct Endpoint: HTTPEndpoint, Sendable {
    let baseURL: String
    /// The bearer token the node requires, if any.
    var token: String?

    var headers: [(String, String)] {
        [("Content-Type", "application/json")] + (token.map { [("Authorization", "Bearer \($0)")] } ?? [])
    }

    /// `render` of `url` with `params`: the whole response object.
    func render(_ url: String, _ params: [String: JSONValue] = [:]) async throws -> JSONValue {
        var all = params
        all["url"] = .string(url)
        return try await call("render", .object(all))
    }

    /// `render`, failing when it answered an error: the result.
    func rendered(_ url: String, _ params: [String: JSONValue] = [:]) async throws -> JSONValue {
        let response = try await render(url, params)
        guard let result = response["result"] else { throw UnexpectedError(response: response) }
        return result
    }

    /// The value of the Prometheus series `series` (name and labels as exposed) on /metrics; 0 when absent.
    func metric(_ series: String) async throws -> Double {
        let text = try await request(.GET, "/metrics").body
        let line = text.split(separator: "\n").first { $0.hasPrefix(series + " ") }
        return line.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) } ?? 0
    }
}

extension ServeProcess {
    /// The `--node-id` the process was started with.
    var nodeID: String {
        let arguments = process.arguments ?? []
        guard let index = arguments.firstIndex(of: "--node-id"), index + 1 < arguments.count else { return "" }
        return arguments[index + 1]
    }
}

/// An action setting cookie `name` for the page's origin, kept an hour (a persistent cookie).
func settingCookie(_ name: String) -> JSONValue {
    ["type": "evaluate", "expression": .string("document.cookie = '\(name)=1; path=/; max-age=3600'")]
}
