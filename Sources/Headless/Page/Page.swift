public import Logging
public import RenderTypes
import Synchronization

/// Layer 3 of the CDP stack: the verbs of one attached page (navigate, wait, evaluate, read its
/// content, click, type, capture …), built on a `CDPSession`. A `Page` lives inside
/// `Page.with(session:…) { page in … }`, which consumes the page's events (lifecycle, network,
/// console, request interception, dialogs) and the browser's events about it (its popups and
/// downloads) for exactly as long as the body runs.
public final class Page: Sendable {
    /// Defaults of the page verbs.
    public struct Configuration: Sendable {
        /// Timeout of a verb called without one.
        public var defaultTimeout: Duration
        /// How often conditions are re-checked from outside when the page's own JavaScript is off.
        public var pollInterval: Duration
        /// Full-page screenshots are cut at this height (CSS pixels), so the image stays bounded.
        public var maxFullPageHeight: Int
        /// Bounds of the network log and console buffers.
        var limits: PageMonitor.Limits
        /// Whether the page pauses its workers and cross-site frames at start (`coverRelatedTargets`) to give
        /// them the persona, the page's request rules and its network monitoring. Off only to measure
        /// what that costs (`RenderBench --compare-auto-attach`): they then keep the browser's own values,
        /// a cross-site frame's requests escape the rules, and `network_idle` never holds on a page with
        /// a worker.
        public var coverRelatedTargets = true

        public init(
            defaultTimeout: Duration = .seconds(30), pollInterval: Duration = .milliseconds(50),
            maxFullPageHeight: Int = 16_384, maxNetworkEntries: Int = 2_000, maxConsoleEntries: Int = 1_000
        ) {
            self.defaultTimeout = defaultTimeout
            self.pollInterval = pollInterval
            self.maxFullPageHeight = maxFullPageHeight
            self.limits = PageMonitor.Limits(maxNetworkEntries: maxNetworkEntries, maxConsoleEntries: maxConsoleEntries)
        }
    }

    /// What `navigate` committed.
    public struct Navigation: Sendable, Hashable {
        public let url: String
        /// The new document's loader; nil for a same-document navigation.
        public let loaderId: String?
    }

    struct Mutable {
        var mouse: (x: Double, y: Double) = (0, 0)
        var javascriptEnabled = true
        var blocking = RequestBlocking()
        var proxyCredentials: (username: String, password: String)?
        /// Placeholder URLs of a localStorage restore in progress.
        var restoreURLs: Set<String> = []
        var domStorageEnabled = false
        /// What each worker and out-of-process frame of the page gets before it runs (`applyStealth`);
        /// nil: none is paused.
        var stealthSetups: WorkerPersona.Setups?
        /// The registration that gives the context's new shared workers the persona (`applyStealth`).
        var sharedWorkerToken: UInt64?
        /// Init scripts this page object added (a recycled page removes them before its next render).
        var initScripts: [String] = []
        /// The gate a recycled page's navigation passes (`armGate` … `passGate`).
        var gate: RecycleGate?
    }

    public let session: CDPSession
    /// The browser context the page belongs to (nil: the default context).
    public let browserContextId: String?
    public let configuration: Configuration
    let logger: Logger
    let monitor: PageMonitor
    /// Answers the page's JavaScript dialogs (dismissing them until `answerDialogs` says otherwise).
    let dialogs = DialogResponder()
    let mutable = Mutex(Mutable())
    let clock = ContinuousClock()

    private init(session: CDPSession, browserContextId: String?, configuration: Configuration, logger: Logger) {
        self.session = session
        self.browserContextId = browserContextId
        self.configuration = configuration
        self.logger = logger
        // In Chromium a page target's main frame has the target's id.
        self.monitor = PageMonitor(mainFrameId: session.targetId, limits: configuration.limits)
    }

    /// Runs `body` with a driver for `session` (a page target attached with `Page.enable` done). The
    /// page's events are consumed from before `body` starts until it returns; nothing outlives the call.
    public static func with<T: Sendable>(
        session: CDPSession, browserContextId: String?, configuration: Configuration = Configuration(),
        logger: Logger, _ body: (Page) async throws -> T
    ) async throws -> T {
        let page = Page(session: session, browserContextId: browserContextId, configuration: configuration, logger: logger)
        let events = session.events()
        // Dialogs have a subscription and a task of their own: their answer must never queue behind
        // other events' work (see `DialogResponder`).
        let dialogEvents = session.events(methods: ["Page.javascriptDialogOpening"])
        // Workers and frames paused at start must be let go whatever else the page is doing.
        let workerEvents = session.events(methods: ["Target.attachedToTarget"])
        // Popups and downloads are announced at the browser level (with discovery and download events on).
        let browserEvents = session.connection.events(
            sessionId: nil, methods: ["Target.targetCreated", "Browser.downloadWillBegin", "Browser.downloadProgress"])
        return try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
            group.addTask { await page.consume(events) }
            group.addTask {
                await page.dialogs.run(
                    dialogEvents, session: session, timeout: Self.housekeepingTimeout, logger: logger,
                    previousDocument: { page.monitor.read { $0.gate?.quiet == true } })
            }
            group.addTask { await page.consumeBrowserEvents(browserEvents) }
            group.addTask { await page.consumeAttachedTargets(workerEvents) }
            do {
                let result = try await body(page)
                group.cancelAll()
                return result
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }

    private func consume(_ events: CDPEventStream) async {
        for await event in events {
            switch event.method {
            case "Fetch.requestPaused": await handlePaused(event)
            case "Fetch.authRequired": await handleAuth(event)
            default: monitor.handle(event)
            }
        }
        if !Task.isCancelled { monitor.close(reason: session.closeReason ?? "the browser connection closed") }
    }

    /// The browser's events about this page: windows it opened (closed at once) and downloads. Events
    /// are applied in order; the commands they call for (a close, a cancel) go out from child tasks,
    /// so thirty popups close together, not one after another.
    private func consumeBrowserEvents(_ events: CDPEventStream) async {
        await withDiscardingTaskGroup { group in
            for await event in events {
                let popup = event.method == "Target.targetCreated" ? popupToClose(event) : nil
                let download = popup == nil ? downloadToCancel(event) : nil
                if let popup { group.addTask { await self.close(popup: popup) } }
                if let download { group.addTask { await self.cancel(download: download) } }
            }
        }
    }

    /// Timeout of the page's own housekeeping commands (answering a dialog, closing a popup, cancelling a
    /// download): each is one quick browser-side step.
    static let housekeepingTimeout: Duration = .seconds(5)

    // MARK: Commands

    /// Sends a typed command with `timeout` (the page's default when nil), translating CDP errors.
    @discardableResult
    func send<C: CDPCommand>(_ command: C, timeout: Duration? = nil) async throws(PageError) -> C.Response {
        do {
            return try await session.send(command, timeout: timeout ?? configuration.defaultTimeout)
        } catch {
            throw PageError(error)
        }
    }

    /// Sends an untyped command (the escape hatch for commands not typed here).
    @discardableResult
    public func send(method: String, params: JSONValue? = nil, timeout: Duration? = nil) async throws(PageError)
        -> JSONValue
    {
        do {
            return try await session.send(method: method, params: params, timeout: timeout ?? configuration.defaultTimeout)
        } catch {
            throw PageError(error)
        }
    }

    /// Turns on the events the driver needs: lifecycle always, network (status, idle, log, interception)
    /// and console only when asked. Commands go out concurrently.
    public func enableEvents(network: Bool = true, console: Bool = false, timeout: Duration? = nil)
        async throws(PageError)
    {
        var commands: [@Sendable () async throws -> Void] = [
            { try await self.send(CDP.Page.SetLifecycleEventsEnabled(enabled: true), timeout: timeout) },
        ]
        if network { commands.append { try await self.send(CDP.Network.Enable(), timeout: timeout) } }
        if console { commands.append { try await self.send(CDP.Runtime.Enable(), timeout: timeout) } }
        try await Self.concurrently(commands)
    }

    /// Runs `commands` at the same time (CDP answers them in parallel); the first failure is thrown
    /// after all have finished.
    /// (Untyped closures: typed-throws async closures in a collection crash Swift 6.3's IRGen.)
    static func concurrently(_ commands: [@Sendable () async throws -> Void]) async throws(PageError) {
        let failure: PageError? = await withTaskGroup(of: PageError?.self) { group in
            for command in commands {
                group.addTask {
                    do {
                        try await command()
                        return nil
                    } catch let error as PageError {
                        return error
                    } catch is CancellationError {
                        return .cancelled
                    } catch {
                        return .protocolError(method: "concurrent commands", message: "\(error)")
                    }
                }
            }
            var first: PageError?
            for await result in group where first == nil { first = result }
            return first
        }
        if let failure { throw failure }
    }

    // MARK: Navigation

    /// Loads `url` in the page; returns when the navigation commits (use the waits for load and beyond).
    /// Throws `navigationFailed` with Chromium's net error when no response could be had.
    public func navigate(to url: String, timeout: Duration? = nil) async throws(PageError) -> Navigation {
        let reply = try await send(CDP.Page.Navigate(url: url), timeout: timeout)
        // An HTTP error status with an empty body is still a response: its status is the result.
        if let error = reply.errorText, !error.isEmpty, error != "net::ERR_HTTP_RESPONSE_CODE_FAILURE" {
            throw .navigationFailed(url: url, netError: error)
        }
        if let loader = reply.loaderId { monitor.expectDocument(loaderId: loader) }
        return Navigation(url: url, loaderId: reply.loaderId)
    }

    /// HTTP status of the main frame's document (`loaderId`, or the latest one); nil before any response.
    public func documentStatus(loaderId: String? = nil) -> Int? {
        monitor.read { s in loaderId.flatMap { s.documentStatus[$0] } ?? s.lastDocumentStatus }
    }

    // MARK: JavaScript

    /// Evaluates `expression` in the page's main world (promises awaited) and returns its JSON value
    /// (`undefined` is null; NaN, Infinity and BigInt come back as strings). Throws `javascriptError`
    /// when it throws.
    ///
    /// A page that navigates meanwhile (a refresh, a redirect by script) destroys the document the
    /// evaluation ran in; it is evaluated again in the new one once that one is parsed, up to
    /// `Self.navigatedRetries` times.
    public func evaluate(_ expression: String, awaitPromise: Bool = true, timeout: Duration? = nil)
        async throws(PageError) -> JSONValue
    {
        var command = CDP.Runtime.Evaluate(
            expression: expression, returnByValue: true, awaitPromise: awaitPromise, userGesture: true)
        let deadline = timeout.map { ContinuousClock.now + $0 }
        var attempt = 0
        var reply: CDP.Runtime.Evaluate.Response
        while true {
            do {
                reply = try await send(command, timeout: deadline.map { max(.milliseconds(1), $0 - .now) })
                break
            } catch {
                attempt += 1
                guard case .protocolError(_, let message) = error, Self.isDocumentGone(message),
                    attempt <= Self.navigatedRetries, deadline.map({ ContinuousClock.now < $0 }) ?? true
                else { throw error }
                // The next document needs a moment to get its execution context, and its content.
                try? await Task.sleep(for: .milliseconds(20))
                command = CDP.Runtime.Evaluate(
                    expression: PageScripts.afterParsing(expression, awaitPromise: awaitPromise), returnByValue: true,
                    awaitPromise: true, userGesture: true)
            }
        }
        if let exception = reply.exceptionDetails { throw .javascriptError(Self.message(of: exception)) }
        if let value = reply.result.value { return value }
        if let special = reply.result.unserializableValue { return .string(special) }
        return .null
    }

    /// How often `evaluate` starts again when the page navigated under it.
    static let navigatedRetries = 3

    /// Whether Chromium's error says the evaluation's document went away (the page navigated).
    static func isDocumentGone(_ message: String) -> Bool {
        message.contains("Inspected target navigated or closed") || message.contains("Execution context was destroyed")
            || message.contains("Cannot find context with specified id")
    }

    /// Calls a JavaScript function source with JSON arguments: `call("(a, b) => a + b", [1, 2])`.
    func call(_ function: String, _ arguments: [JSONValue], timeout: Duration? = nil) async throws(PageError) -> JSONValue {
        let args = arguments.map { $0.jsonString() }.joined(separator: ", ")
        return try await evaluate("(\(function))(\(args))", timeout: timeout)
    }

    /// First line of an exception's description ("TypeError: x is undefined"), else CDP's text.
    static func message(of exception: CDP.Runtime.ExceptionDetails) -> String {
        let full = exception.exception?.description ?? exception.text
        let firstLine = full.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? full
        return String(firstLine.prefix(2_000))
    }

    /// The page's serialized DOM, doctype included.
    public func content(timeout: Duration? = nil) async throws(PageError) -> String {
        try await evaluate(PageScripts.content, awaitPromise: false, timeout: timeout).stringValue ?? ""
    }

    /// The document's title.
    public func title(timeout: Duration? = nil) async throws(PageError) -> String {
        try await evaluate("document.title", awaitPromise: false, timeout: timeout).stringValue ?? ""
    }

    /// The main frame's current URL.
    public func url(timeout: Duration? = nil) async throws(PageError) -> String {
        try await evaluate("location.href", awaitPromise: false, timeout: timeout).stringValue ?? ""
    }

    /// Whether the page's own scripts run (DevTools evaluation always does).
    public var javascriptEnabled: Bool { mutable.withLock { $0.javascriptEnabled } }

    /// Milliseconds from `start` until now, for timeout errors.
    func elapsedMs(since start: ContinuousClock.Instant) -> Int {
        let (seconds, attoseconds) = (clock.now - start).components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }

    /// Time left until `deadline` (never negative).
    func remaining(until deadline: ContinuousClock.Instant) -> Duration {
        max(.zero, deadline - clock.now)
    }

    func deadline(for timeout: Duration?) -> ContinuousClock.Instant {
        clock.now + (timeout ?? configuration.defaultTimeout)
    }
}

extension Page {
    /// Bytes the page's requests received (encoded, as on the wire) and sent so far.
    public var networkBytes: (received: Int, sent: Int) {
        monitor.read { ($0.bytesIn, $0.bytesOut) }
    }
}
