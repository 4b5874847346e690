import Foundation
import Glibc
import Logging
import PostgresNIO

/// A throwaway PostgreSQL server on 127.0.0.1 for tests and benchmarks: a fresh data directory
/// under the temporary directory, trust authentication on loopback only, a free port. It is run by
/// a small supervisor script (`SupervisorScript`) tied to this process, so the server stops and its
/// directory goes when this process exits, however it exits; `shutdown()` does the same at once.
/// `stop()` and `restart()` (one at a time) take the server down and up again on the same port and data, to test
/// what a client does when its database goes away.
public actor PostgresSandbox {
    /// The port the server listens on (127.0.0.1).
    public nonisolated let port: Int
    /// The sandbox's directory (data, unix socket, `server.log`).
    public nonisolated let directory: String

    /// The server's log (what `log_statement` writes, among the rest).
    public nonisolated var logPath: String { directory + "/server.log" }
    private let supervisor: Process
    private let commands: FileHandle
    private let replies: SupervisorReplies

    /// How the server trades durability for speed.
    public enum Durability: Sendable {
        /// No fsync, no synchronous commit: what tests want (the data is thrown away).
        case none
        /// PostgreSQL's defaults (fsync at every commit): what benchmarks measure.
        case standard

        var settings: [String] {
            switch self {
            case .none: ["fsync=off", "synchronous_commit=off", "full_page_writes=off"]
            case .standard: []
            }
        }
    }

    private init(port: Int, directory: String, supervisor: Process, commands: FileHandle, replies: SupervisorReplies) {
        self.port = port
        self.directory = directory
        self.supervisor = supervisor
        self.commands = commands
        self.replies = replies
    }

    /// Initialises and starts a server; throws `PostgresSandboxError` saying why it could not (no
    /// PostgreSQL installed, initdb or the server failing: the message quotes its log).
    /// `settings` are further `postgres -c` settings (`log_statement=all`, …).
    public static func start(
        durability: Durability = .none, maxConnections: Int = 500, settings: [String] = []
    ) async throws -> PostgresSandbox {
        let bin = try binDirectory()
        var lastFailure = ""
        // A port picked at random can be taken by then; another is tried.
        for _ in 0..<5 {
            let sandbox = try launch(
                bin: bin, port: Int.random(in: 20_000..<60_000),
                settings: durability.settings + ["max_connections=\(maxConnections)"] + settings
            )
            let reply = await sandbox.nextReply()
            if reply == "ready" { return sandbox }
            lastFailure = reply
            await sandbox.shutdown()
        }
        throw PostgresSandboxError(message: "PostgreSQL did not start: \(lastFailure)")
    }

    /// A `postgres://` URL of `database` on this server (user postgres, no password, no TLS).
    public nonisolated func url(database: String) -> String {
        "postgres://postgres@127.0.0.1:\(port)/\(database)?sslmode=disable"
    }

    /// Creates an empty database (from template0); `name` is `[a-z0-9_]+`.
    public func createDatabase(_ name: String) async throws {
        try await administer("CREATE DATABASE \(try Self.identifier(name)) TEMPLATE template0")
    }

    /// Drops a database, ending the connections still open to it.
    public func dropDatabase(_ name: String) async throws {
        try await administer("DROP DATABASE IF EXISTS \(try Self.identifier(name)) WITH (FORCE)")
    }

    /// Changes a server setting for every connection from now on (`ALTER SYSTEM`, then a reload);
    /// `name` is `[a-z_]+`, `value` a plain word or number.
    public func configure(_ name: String, _ value: String) async throws {
        guard value.utf8.allSatisfy({ $0 != 0x27 }) else { throw PostgresSandboxError(message: "\(value) has a quote") }
        try await administer("ALTER SYSTEM SET \(try Self.identifier(name)) = '\(value)'")
        try await administer("SELECT pg_reload_conf()")
    }

    /// Stops the server (a fast shutdown: connections are closed), keeping its data and port.
    public func stop() async throws {
        try await command("stop", expecting: "stopped")
    }

    /// Starts the stopped server again on the same port and data.
    public func restart() async throws {
        try await command("start", expecting: "ready")
    }

    /// Stops the server, removes its directory and waits for the supervisor to exit. Once is enough;
    /// the sandbox is unusable after it.
    public func shutdown() async {
        try? commands.close()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async { [supervisor] in
                supervisor.waitUntilExit()
                continuation.resume()
            }
        }
    }

    // MARK: Internals

    private func nextReply() async -> String {
        await replies.next() ?? "failed: the supervisor exited (see \(directory)/server.log)"
    }

    private func command(_ text: String, expecting expected: String) async throws {
        try commands.write(contentsOf: Data("\(text)\n".utf8))
        let reply = await nextReply()
        guard reply == expected else { throw PostgresSandboxError(message: "\(text): \(reply)") }
    }

    private func administer(_ sql: String) async throws {
        let configuration = PostgresConnection.Configuration(
            host: "127.0.0.1", port: port, username: "postgres", password: nil, database: "postgres", tls: .disable
        )
        let connection = try await PostgresConnection.connect(
            configuration: configuration, id: 0, logger: Logger(label: "tidepool.test.postgres"))
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "tidepool.test.postgres"))
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }

    private static func identifier(_ name: String) throws -> String {
        guard !name.isEmpty, name.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F })
        else { throw PostgresSandboxError(message: "\"\(name)\" is not a database name of [a-z0-9_]") }
        return name
    }

    /// PostgreSQL's server binaries: `TIDEPOOL_POSTGRES_BIN`, else the newest under /usr/lib/postgresql.
    private static func binDirectory() throws -> String {
        if let bin = ProcessInfo.processInfo.environment["TIDEPOOL_POSTGRES_BIN"] { return bin }
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted()
        guard let newest = versions.last, FileManager.default.isExecutableFile(atPath: "\(root)/\(newest)/bin/postgres")
        else {
            throw PostgresSandboxError(
                message: "PostgreSQL is not installed: apt-get install -y --no-install-recommends postgresql "
                    + "(scripts/setup test does), or set TIDEPOOL_POSTGRES_BIN")
        }
        return "\(root)/\(newest)/bin"
    }

    /// Starts the supervisor with a fresh directory; its first reply says whether the server started.
    private static func launch(bin: String, port: Int, settings: [String]) throws -> PostgresSandbox {
        let directory = NSTemporaryDirectory() + "tidepool-pg-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // The command channel's write end stays here and must reach no other child (Chromium, a
        // `tidepool serve` under test): only then does its closing mean this process is gone.
        var ends: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else {
            throw PostgresSandboxError(message: "socketpair failed: errno \(errno)")
        }
        let commandsIn = FileHandle(fileDescriptor: ends[0], closeOnDealloc: true)
        let commands = FileHandle(fileDescriptor: ends[1], closeOnDealloc: true)
        let output = Pipe()
        let supervisor = Process()
        supervisor.executableURL = URL(fileURLWithPath: "/bin/bash")
        supervisor.arguments = ["-c", SupervisorScript.text, "tidepool-postgres-supervisor", bin, directory, "\(port)"] + settings
        supervisor.standardInput = commandsIn
        supervisor.standardOutput = output
        supervisor.standardError = FileHandle.nullDevice
        let replies = SupervisorReplies()
        output.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil }
            replies.received(data)
        }
        do {
            try supervisor.run()
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw PostgresSandboxError(message: "cannot run the PostgreSQL supervisor: \(error)")
        }
        try? commandsIn.close()
        return PostgresSandbox(
            port: port, directory: directory, supervisor: supervisor, commands: commands, replies: replies)
    }
}

/// Why a sandbox could not start or obey.
public struct PostgresSandboxError: Error, CustomStringConvertible {
    public let message: String

    public var description: String { message }
}
