import AsyncSupport
public import Egress
import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A running browser we started: its process (group leader), its CDP connection and its
/// user-data-dir. `close()` ends it for sure: graceful `Browser.close`, then pipe close, then SIGKILL
/// of the whole process group; a temporary user-data-dir is removed, a caller's profile is kept.
public final class LaunchedBrowser: Sendable {
    public let process: ChromiumProcess
    public let connection: CDPConnection
    /// What `Browser.getVersion` answered at startup.
    public let version: CDP.Browser.GetVersion.Response
    public let engine: BrowserEngine
    public let executablePath: String
    public let userDataDir: String
    /// Whether `userDataDir` is ours (temporary, removed on close) or the caller's profile (kept).
    public let ownsUserDataDir: Bool
    /// The arguments the browser was started with (without argv[0]).
    public let arguments: [String]

    private let stderr: StderrTail
    private let closeTimeout: Duration
    private let logger: Logger
    private let closing = Mutex<Bool>(false)
    private let closed = AsyncLatch<Void>()
    private let egressGate = Mutex<EgressGate?>(nil)
    /// Work that lives as long as the browser (it ends when the connection closes; cancelled then too).
    private let companions = Mutex<[Task<Void, Never>]>([])

    init(
        process: ChromiumProcess, connection: CDPConnection, version: CDP.Browser.GetVersion.Response,
        engine: BrowserEngine, executablePath: String, userDataDir: String, ownsUserDataDir: Bool,
        arguments: [String], stderr: StderrTail, closeTimeout: Duration, logger: Logger
    ) {
        self.process = process
        self.connection = connection
        self.version = version
        self.engine = engine
        self.executablePath = executablePath
        self.userDataDir = userDataDir
        self.ownsUserDataDir = ownsUserDataDir
        self.arguments = arguments
        self.stderr = stderr
        self.closeTimeout = closeTimeout
        self.logger = logger
    }

    /// The browser's pid (its process group id too).
    public var pid: Int32 { process.pid }

    /// The last bytes the browser wrote to stderr.
    public var stderrTail: String { stderr.text }

    /// Whether the process is still running.
    public var isRunning: Bool { process.exitStatus == nil }

    /// The egress gate every connection of this browser goes through (a dedicated browser launched
    /// with `--proxy-server` at it); nil for the pool's browsers, whose contexts have a gate each.
    public var egress: EgressGate? { egressGate.withLock { $0 } }

    /// Makes `gate` this browser's: it closes after the browser has.
    func attach(egress gate: EgressGate) {
        egressGate.withLock { $0 = gate }
    }

    /// Runs `work` for as long as the browser: it is cancelled and awaited when the browser closes.
    /// `work` must end by itself when the connection closes (an event stream of it does).
    func attach(_ work: @escaping @Sendable () async -> Void) {
        let task = Task { await work() }
        let closingAlready = closing.withLock { closing in
            if !closing { companions.withLock { $0.append(task) } }
            return closing
        }
        if closingAlready { task.cancel() }
    }

    /// Ends the browser and cleans up; idempotent, and it completes even if the calling task is
    /// cancelled. Later callers wait for the first one.
    public func close() async {
        let first = closing.withLock { closing in
            defer { closing = true }
            return !closing
        }
        guard first else {
            await withoutCancellation { [closed] in _ = await closed.wait() }
            return
        }
        await withoutCancellation { [self] in
            await shutDown()
            closed.resolve(())
        }
    }

    private func shutDown() async {
        let half = closeTimeout / 2
        if isRunning, connection.closeReason == nil {
            _ = try? await connection.send(CDP.Browser.Close(), timeout: half)
        }
        if await process.waitForExit(timeout: half) == nil {
            // Closing the pipe makes Chromium exit by itself (CHROMIUM.md); give it a moment.
            await connection.close()
            if await process.waitForExit(timeout: half) == nil {
                logger.warning("browser did not exit in time; killing its process group", metadata: ["pid": "\(pid)"])
                process.signalGroup(SIGKILL)
            }
        }
        let status = await process.waitForExit()
        await connection.close()
        for task in companions.withLock({ $0 }) {
            task.cancel()
            await task.value
        }
        await egress?.close()
        if ownsUserDataDir { Self.removeDirectory(userDataDir, logger: logger) }
        logger.debug("browser closed", metadata: ["pid": "\(pid)", "status": "\(status.map(\.description) ?? "?")"])
    }

    static func removeDirectory(_ path: String, logger: Logger) {
        do {
            try FileManager.default.removeItem(atPath: path)
        } catch {
            logger.warning("temporary user-data-dir not removed", metadata: ["path": "\(path)", "error": "\(error)"])
        }
    }

    deinit {
        // Dropped without close(): kill the group now; the reaper thread reaps it. The temporary
        // directory is removed once the process is gone (it may still be writing into it).
        let alreadyClosed = closing.withLock { $0 }
        guard !alreadyClosed else { return }
        process.signalGroup(SIGKILL)
        if ownsUserDataDir {
            let process = self.process
            let path = userDataDir
            let logger = self.logger
            Task {
                _ = await process.waitForExit(timeout: .seconds(10))
                Self.removeDirectory(path, logger: logger)
            }
        }
    }
}
