/// How to start one browser. Defaults live here; the pool and the CLI only override.
public struct LaunchOptions: Sendable {
    /// How the browser should be sandboxed.
    public enum Sandbox: Sendable, Equatable {
        /// `--no-sandbox` when running as root or when `CHROME_NO_SANDBOX` is set to a true value.
        case automatic
        case enabled
        case disabled
    }

    /// How we talk CDP to the browser we launch.
    public enum Transport: Sendable, Equatable {
        /// `--remote-debugging-pipe` on fds 3/4 (the default: the browser dies with its pipe).
        case pipe
        /// `--remote-debugging-port=0`, then WebSocket to the port Chromium writes to DevToolsActivePort.
        case webSocket
    }

    public var engine: BrowserEngine
    /// Overrides discovery (`CHROME_EXECUTABLE_PATH`, then the engine's binary, then PATH).
    public var executablePath: String?
    /// A caller-owned profile directory (created if missing, never deleted). Nil: a fresh temporary
    /// directory that is removed when the browser closes.
    public var userDataDir: String?
    /// Extra switches appended after the defaults (e.g. `--accept-lang=de-DE`, `--window-size=1366,768`;
    /// headless-shell ignores `--lang`). A
    /// switch given here replaces a default of the same name; `--enable-features`/`--disable-features`
    /// lists are merged instead.
    public var extraFlags: [String]
    public var sandbox: Sandbox
    public var transport: Transport
    /// From spawn to the first CDP reply.
    public var startupTimeout: Duration
    /// How long a graceful close may take before the process group is killed.
    public var closeTimeout: Duration
    /// Largest single inbound CDP message (full-page screenshots arrive as one message).
    public var maxMessageBytes: Int
    /// Bytes of the browser's stderr kept for error messages.
    public var stderrTailBytes: Int
    /// Where temporary user-data-dirs go; nil: `$TMPDIR` or /tmp.
    public var temporaryDirectory: String?
    /// The browser's environment; nil: this process's environment.
    public var environment: [String: String]?
    public var connection: CDPConnection.Configuration

    public init(
        engine: BrowserEngine = .headlessShell,
        executablePath: String? = nil,
        userDataDir: String? = nil,
        extraFlags: [String] = [],
        sandbox: Sandbox = .automatic,
        transport: Transport = .pipe,
        startupTimeout: Duration = .seconds(30),
        closeTimeout: Duration = .seconds(3),
        maxMessageBytes: Int = 256 << 20,
        stderrTailBytes: Int = 16 << 10,
        temporaryDirectory: String? = nil,
        environment: [String: String]? = nil,
        connection: CDPConnection.Configuration = CDPConnection.Configuration()
    ) {
        self.engine = engine
        self.executablePath = executablePath
        self.userDataDir = userDataDir
        self.extraFlags = extraFlags
        self.sandbox = sandbox
        self.transport = transport
        self.startupTimeout = startupTimeout
        self.closeTimeout = closeTimeout
        self.maxMessageBytes = maxMessageBytes
        self.stderrTailBytes = stderrTailBytes
        self.temporaryDirectory = temporaryDirectory
        self.environment = environment
        self.connection = connection
    }
}
