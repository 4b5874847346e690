import AsyncSupport
import Foundation
public import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Starts Chromium browsers: finds the binary, prepares the user-data-dir, spawns the process in its
/// own group with CDP on a pipe (or a debugging port), and waits for the first CDP reply.
public enum BrowserLauncher {
    /// Launches one browser. On any failure (also cancellation) the half-started process is killed
    /// and reaped and a temporary user-data-dir removed before this throws.
    public static func launch(
        _ options: LaunchOptions = LaunchOptions(),
        logger: Logger = Logger(label: "tidepool.launcher")
    ) async throws(LaunchError) -> LaunchedBrowser {
        let started = ContinuousClock.now
        let environment = options.environment ?? ProcessInfo.processInfo.environment
        let executable = try ExecutableLocator.locate(
            engine: options.engine, explicitPath: options.executablePath, environment: environment)
        let (userDataDir, owned) = try prepareUserDataDir(options)
        let arguments = ChromiumFlags.arguments(
            engine: options.engine, transport: options.transport, userDataDir: userDataDir,
            noSandbox: noSandbox(options.sandbox, environment: environment), extra: options.extraFlags)

        let child: SpawnedChild
        do {
            child = try PosixSpawn.spawn(
                executable: executable, arguments: arguments, environment: environment,
                cdpPipes: options.transport == .pipe)
        } catch {
            if owned { LaunchedBrowser.removeDirectory(userDataDir, logger: logger) }
            throw .spawnFailed(executable: executable, errno: error.errno, detail: error.detail)
        }
        let process = ChromiumProcess(pid: child.pid)
        let stderr = StderrTail(limit: options.stderrTailBytes)
        await stderr.start(reading: child.stderrRead, logger: logger)
        let browserLogger = logger.with(metadata: ["browser_pid": "\(child.pid)"])

        var connection: CDPConnection?
        do throws(LaunchError) {
            let transport = try await openTransport(
                child: child, options: options, userDataDir: userDataDir, process: process, started: started,
                stderr: stderr)
            let cdp = CDPConnection(transport: transport, configuration: options.connection, logger: browserLogger)
            connection = cdp
            let remaining = options.startupTimeout - (ContinuousClock.now - started)
            let version: CDP.Browser.GetVersion.Response
            do {
                version = try await cdp.send(CDP.Browser.GetVersion(), timeout: max(remaining, .milliseconds(1)))
            } catch {
                throw await startupFailure(error, process: process, stderr: stderr, startupTimeout: options.startupTimeout)
            }
            browserLogger.debug(
                "browser started",
                metadata: ["product": "\(version.product)", "ms": "\(started.milliseconds(until: .now))"])
            return LaunchedBrowser(
                process: process, connection: cdp, version: version, engine: options.engine,
                executablePath: executable, userDataDir: userDataDir, ownsUserDataDir: owned, arguments: arguments,
                stderr: stderr, closeTimeout: options.closeTimeout, logger: browserLogger)
        } catch {
            await withoutCancellation {
                process.signalGroup(SIGKILL)
                _ = await process.waitForExit()
                await connection?.close()
                if owned { LaunchedBrowser.removeDirectory(userDataDir, logger: logger) }
            }
            throw error
        }
    }

    private static func openTransport(
        child: SpawnedChild, options: LaunchOptions, userDataDir: String, process: ChromiumProcess,
        started: ContinuousClock.Instant, stderr: StderrTail
    ) async throws(LaunchError) -> any CDPTransport {
        if let input = child.cdpRead, let output = child.cdpWrite {
            do {
                return try await PipeTransport.open(
                    readingFrom: input, writingTo: output, maxMessageBytes: options.maxMessageBytes)
            } catch {
                throw .spawnFailed(executable: "CDP pipe", errno: 0, detail: "\(error)")
            }
        }
        // WebSocket: wait for Chromium to write DevToolsActivePort.
        let deadline = started + options.startupTimeout
        while true {
            if let port = DevToolsActivePort.read(userDataDir: userDataDir) {
                do {
                    return try await WebSocketTransport.connect(
                        url: port.webSocketURL,
                        configuration: .init(maxMessageBytes: options.maxMessageBytes))
                } catch {
                    throw .connectFailed(error.description)
                }
            }
            if let status = process.exitStatus {
                throw .exitedDuringStartup(status: status.description, stderrTail: stderr.text)
            }
            if ContinuousClock.now >= deadline {
                throw .startupTimeout(afterMs: options.startupTimeout.wholeMilliseconds, stderrTail: stderr.text)
            }
            do {
                try await Task.sleep(for: .milliseconds(10))
            } catch {
                throw .cancelled
            }
        }
    }

    private static func startupFailure(
        _ error: CDPError, process: ChromiumProcess, stderr: StderrTail, startupTimeout: Duration
    ) async -> LaunchError {
        switch error {
        case .cancelled:
            return .cancelled
        case .timeout:
            return .startupTimeout(afterMs: startupTimeout.wholeMilliseconds, stderrTail: stderr.text)
        default:
            // The pipe closes a moment before the reaper records the exit status.
            let exit = await process.waitForExit(timeout: .seconds(2))
            let status = exit.map(\.description) ?? "pipe closed: \(error)"
            return .exitedDuringStartup(status: status, stderrTail: stderr.text)
        }
    }

    /// A fresh temporary directory (ours), or the caller's profile directory (created if missing).
    /// A stale DevToolsActivePort from an earlier run is removed so we never connect to a dead port.
    private static func prepareUserDataDir(_ options: LaunchOptions) throws(LaunchError) -> (String, Bool) {
        let fileManager = FileManager.default
        if let given = options.userDataDir {
            do {
                try fileManager.createDirectory(atPath: given, withIntermediateDirectories: true)
                try? fileManager.removeItem(at: DevToolsActivePort.fileURL(userDataDir: given))
            } catch {
                throw .userDataDir(path: given, reason: "\(error)")
            }
            return (given, false)
        }
        let base = options.temporaryDirectory ?? ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        var template = Array("\(base)/tidepool-chromium-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else {
            throw .userDataDir(path: base, reason: String(cString: strerror(errno)))
        }
        return (String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self), true)
    }

    /// `--no-sandbox` is needed as root (Chromium exits at once otherwise) or when asked for.
    static func noSandbox(_ sandbox: LaunchOptions.Sandbox, environment: [String: String]) -> Bool {
        switch sandbox {
        case .enabled: return false
        case .disabled: return true
        case .automatic:
            if geteuid() == 0 { return true }
            let value = environment["CHROME_NO_SANDBOX"]?.lowercased() ?? ""
            return ["1", "true", "yes", "on"].contains(value)
        }
    }
}

extension Logger {
    /// A copy with extra metadata.
    func with(metadata extra: Logger.Metadata) -> Logger {
        var copy = self
        for (key, value) in extra { copy[metadataKey: key] = value }
        return copy
    }
}
