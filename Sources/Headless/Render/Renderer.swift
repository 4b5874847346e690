import Foundation
public import Logging
public import RenderTypes

/// The `DynamicConfig` executor: renders a URL in a fresh isolated context from a `ContextProvider`
/// (the `BrowserPool`), honouring every field of the config and the stealth settings, under one
/// deadline that includes the queue. See docs/rendering.md for the behaviour of each field.
public struct Renderer: Sendable {
    /// Executor defaults.
    public struct Configuration: Sendable {
        /// How long element actions wait for their element (the render's deadline bounds it too).
        public var actionTimeout: Duration
        /// Retry once on another browser when the browser crashes before navigation started (SPEC).
        public var retryCrashBeforeNavigation: Bool
        /// Page driver settings (buffers, polling, screenshot bounds).
        public var page: Page.Configuration
        /// Scripts this machine has no font for (`FontCoverage.missing`): a page using one gets a warning
        /// (its text is drawn as empty boxes). Empty: no check, no cost.
        public var missingFontScripts: [String]
        /// Where a render that keeps downloads (`capture.downloads`) makes its own directory for them,
        /// removed when it ends; nil is the system's temporary directory.
        public var downloadsDirectory: String?

        public init(
            actionTimeout: Duration = .seconds(5), retryCrashBeforeNavigation: Bool = true,
            page: Page.Configuration = Page.Configuration(), missingFontScripts: [String] = [],
            downloadsDirectory: String? = nil
        ) {
            self.actionTimeout = actionTimeout
            self.retryCrashBeforeNavigation = retryCrashBeforeNavigation
            self.page = page
            self.missingFontScripts = missingFontScripts
            self.downloadsDirectory = downloadsDirectory
        }
    }

    public let provider: any ContextProvider
    public let configuration: Configuration
    let logger: Logger

    public init(provider: any ContextProvider, configuration: Configuration = Configuration(), logger: Logger) {
        self.provider = provider
        self.configuration = configuration
        self.logger = logger
    }

    /// Renders `request`. Throws `RenderError`: invalid config, URL not allowed, timeout with its stage,
    /// navigation failure with the net error, action failure with its index, crash, overload.
    public func render(_ request: RenderRequest) async throws(RenderError) -> RenderOutcome {
        try await render(Self.preflight(request))
    }

    /// Renders a request `preflight` has checked (a caller that checks before taking a session or a
    /// lock does not pay for the checks twice).
    public func render(_ checked: CheckedRenderRequest) async throws(RenderError) -> RenderOutcome {
        let (request, config, stealth) = (checked.request, checked.config, checked.stealth)
        let deadline = RenderDeadline(request.receivedAt + .milliseconds(config.effectiveTimeoutMs))
        let seed = request.stealthSeed ?? UUID().uuidString
        var retried = false
        while true {
            let progress = RenderProgress(receivedAt: request.receivedAt)
            let execution = RenderExecution(
                request: request, config: config, stealth: stealth, seed: seed, deadline: deadline,
                configuration: configuration, progress: progress, logger: logger
            )
            do {
                let outcome = try await attempt(execution, progress: progress, retried: retried)
                let t = outcome.result.timings
                logger.debug("render", metadata: [
                    "url": "\(request.url)", "status": "\(outcome.result.statusCode.map(String.init) ?? "-")",
                    "ms": "\(outcome.result.renderTimeMs)", "queue_ms": "\(t.queueMs)", "lease_ms": "\(t.leaseMs)",
                    "navigation_ms": "\(t.navigationMs)", "wait_ms": "\(t.waitMs)", "actions_ms": "\(t.actionsMs)",
                    "capture_ms": "\(t.captureMs)",
                ])
                return outcome
            } catch {
                guard case .browserCrashed(_, let detail) = error, configuration.retryCrashBeforeNavigation,
                      !retried, !progress.navigated, !deadline.hasPassed
                else { throw error }
                logger.warning("browser crashed before navigation; retrying once", metadata: ["detail": "\(detail)"])
                retried = true
            }
        }
    }

    private func attempt(_ execution: RenderExecution, progress: RenderProgress, retried: Bool) async throws(RenderError)
        -> RenderOutcome
    {
        do {
            let meter = execution.request.meter
            // Browser time runs from the lease to the context's disposal, which `withContext` does before it returns.
            defer { meter?.leaseEnded() }
            return try await provider.withContext(
                priority: execution.request.priority, deadline: execution.deadline.instant, proxy: execution.config.proxy
            ) { lease in
                meter?.leaseBegan()
                return try await execution.run(on: lease)
            }
        } catch let error as RenderError {
            if case .browserCrashed(_, let detail) = error { throw .browserCrashed(retried: retried, detail: detail) }
            throw error
        } catch let error as ContextProviderError {
            switch error {
            case .overloaded(let queueLength, let retryAfterMs):
                throw .overloaded(queueLength: queueLength, retryAfterMs: retryAfterMs)
            case .queueTimeout: throw .timeout(stage: .queue, elapsedMs: progress.elapsedMs)
            case .browserCrashed(let detail): throw .browserCrashed(retried: retried, detail: detail)
            case .unavailable(let detail): throw .internalError("no browser available: \(detail)")
            }
        } catch let error as PageError {
            if case .cancelled = error { throw progress.cancellation }
            if error.isCrash { throw .browserCrashed(retried: retried, detail: "\(error)") }
            throw .internalError("\(error)")
        } catch is CancellationError {
            // Cancelled while queued for a context (the pool), or anywhere the executor lets it pass.
            throw progress.cancellation
        } catch {
            throw .internalError("\(error)")
        }
    }

    /// Checks everything about `request` a browser is not needed for — config and stealth with the wire
    /// rules, the URL and every `navigate` action's URL with the URL policy — as `render` does before it
    /// leases. Throws `invalidConfig` naming the field, or `urlNotAllowed`.
    public static func preflight(_ request: RenderRequest) throws(RenderError) -> CheckedRenderRequest {
        let (config, stealth) = try validate(request)
        try checkURLs(request.url, config)
        return CheckedRenderRequest(request: request, config: config, stealth: stealth)
    }

    /// The URL policy for the URL and the `navigate` actions' URLs.
    static func checkURLs(_ url: String, _ config: DynamicConfig) throws(RenderError) {
        if let violation = URLPolicy.check(url) { throw .urlNotAllowed(url: url, reason: violation.reason) }
        for action in config.actions {
            guard case .navigate(let target, _) = action.kind, let violation = URLPolicy.check(target) else { continue }
            throw .urlNotAllowed(url: target, reason: violation.reason)
        }
    }

    /// Re-checks the config and stealth settings with the wire rules (a config built in Swift skips the
    /// decoder), so a value the executor cannot honour is rejected naming its field.
    static func validate(_ request: RenderRequest) throws(RenderError) -> (DynamicConfig, StealthConfig) {
        func strict<T: Codable>(_ value: T, _ prefix: String) throws(RenderError) -> T {
            do {
                return try StrictJSONDecoder().decode(T.self, from: try JSONValue(encoding: value))
            } catch let error as FieldError {
                throw .invalidConfig(field: error.field.isEmpty ? prefix : "\(prefix).\(error.field)", reason: error.reason)
            } catch {
                throw .invalidConfig(field: prefix, reason: "\(error)")
            }
        }
        var stealth = try strict(request.stealth, "stealth")
        let config = try strict(request.config, "config")
        // The config's user agent wins over the stealth's; stealth keeps the rest consistent with it.
        if let userAgent = config.userAgent {
            stealth.userAgent = userAgent
            stealth.rotateUserAgent = nil
        }
        return (config, stealth)
    }
}

/// A `RenderRequest` whose config and stealth passed `Renderer.preflight`, with the values the executor
/// runs. Its config and stealth are fixed; what a session adds after the check (seed, state, whether to
/// read the state back) may still be set.
public struct CheckedRenderRequest: Sendable {
    public private(set) var request: RenderRequest
    /// The checked config and stealth settings (the stealth carries the config's user agent).
    public let config: DynamicConfig
    public let stealth: StealthConfig

    public var url: String { request.url }
    public var receivedAt: ContinuousClock.Instant { request.receivedAt }

    /// Seeds the stealth choices (a session's id keeps them stable across its calls).
    public var stealthSeed: String? {
        get { request.stealthSeed }
        set { request.stealthSeed = newValue }
    }

    /// Cookies and localStorage to put into the context before navigation.
    public var state: BrowserState? {
        get { request.state }
        set { request.state = newValue }
    }

    /// Whether to read the context's cookies and localStorage back after the render.
    public var collectState: Bool {
        get { request.collectState }
        set { request.collectState = newValue }
    }

    /// Where the render records what it spends.
    public var meter: RenderMeter? {
        get { request.meter }
        set { request.meter = newValue }
    }
}
