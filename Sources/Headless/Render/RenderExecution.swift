import AsyncSupport
import Egress
import Foundation
import Logging
import RenderTypes
import Synchronization

/// One attempt of a render on one leased context: prepare the page (stealth, viewport, headers, state,
/// blocking), navigate, wait, scroll, act, capture, read state back. Throws only `RenderError`.
struct RenderExecution: Sendable {
    let request: RenderRequest
    let config: DynamicConfig
    let stealth: StealthConfig
    let seed: String
    let deadline: RenderDeadline
    let configuration: Renderer.Configuration
    let progress: RenderProgress
    let logger: Logger

    func run(on lease: LeasedContext) async throws -> RenderOutcome {
        // Queue time is waiting for a slot; creating the context (a cold lease) is lease work.
        let creation = (lease.acquireDuration ?? .zero) - (lease.queueDuration ?? .zero)
        progress.beginLease(creationTime: max(.zero, creation))
        let downloads = try RenderDownloads.prepare(
            config.effectiveCapture.downloads, in: configuration.downloadsDirectory)
        defer { downloads.remove() }
        return try await Page.with(
            session: lease.page, browserContextId: lease.browserContextId, configuration: configuration.page, logger: logger
        ) { page in
            defer {
                if let meter = request.meter {
                    let bytes = page.networkBytes
                    meter.addBytes(received: bytes.received, sent: bytes.sent)
                }
            }
            do {
                let outcome = try await render(page, lease: lease, downloads: downloads)
                await Self.tidy(page, downloads: downloads)
                if let reuse = lease.reuse { Self.judge(page, for: reuse, after: outcome) }
                return outcome
            } catch {
                await Self.tidy(page, downloads: downloads)
                throw error
            }
        }
    }

    /// What a context that outlives the render (a session's kept context) must not keep doing: its
    /// downloads are refused again before the render's download directory goes, so it never writes a file
    /// anywhere, and its new workers are no longer paused for the persona (nobody would let them run).
    private static func tidy(_ page: Page, downloads: RenderDownloads) async {
        await withoutCancellation {
            await page.stopCoveringRelatedTargets(timeout: Page.housekeepingTimeout)
            guard case .keep = downloads.mode else { return }
            try? await page.handleDownloads(.deny, timeout: Page.housekeepingTimeout)
        }
    }

    /// Whether the page may be reset for its next call (`reuse.purpose`), and what the reset must
    /// undo; recorded on `reuse`. A recycled page must have stayed on its origin (see
    /// `Page.recyclableOrigins`); a kept one only on some http(s) origin. The reset itself is the
    /// provider's, after the result went out.
    private static func judge(_ page: Page, for reuse: ContextReuse, after outcome: RenderOutcome) {
        let scripts = page.takeInitScripts()
        let final = Page.origin(of: outcome.result.finalUrl)
        switch reuse.purpose {
        case .keepState:
            guard let final else { return reuse.record(.refused("the render ended on no http(s) origin")) }
            reuse.record(.resettable(origin: final, clearing: nil, initScripts: scripts))
        case .recycle(let origin):
            guard final == origin else { return reuse.record(.refused("the render ended on another origin")) }
            switch page.recyclableOrigins(for: origin) {
            case .failure(let refusal): reuse.record(.refused(refusal.description))
            case .success(let origins): reuse.record(.resettable(origin: origin, clearing: origins, initScripts: scripts))
            }
        }
    }

    private func render(_ page: Page, lease: LeasedContext, downloads: RenderDownloads) async throws(RenderError)
        -> RenderOutcome
    {
        let capture = config.effectiveCapture
        let storage = Mutex(LocalStorageContents())

        // Lease: prepare the fresh context before the first byte of the document.
        if let gate = lease.gate { page.beginGate(gate) }
        try await stage { () async throws(PageError) in
            try await prepare(page, lease: lease, capture: capture, downloads: downloads.mode)
            if lease.gate != nil { try await page.armGate(timeout: deadline.remaining) }
        }
        progress.close(\.leaseMs)

        // Navigation.
        progress.markNavigated()
        let egressMark = lease.egress?.failureCount ?? 0
        let navigation: Page.Navigation
        do {
            navigation = try await page.navigate(to: request.url, timeout: deadline.remaining)
        } catch {
            if case .navigationFailed(let url, let netError) = error {
                throw EgressReport.navigationError(lease.egress, after: egressMark, url: url)
                    ?? .navigationFailed(url: url, netError: netError)
            }
            if case .protocolError(_, let message) = error { throw .navigationFailed(url: request.url, netError: message) }
            throw translate(error)
        }
        // A recycled page: its document goes on only through the gate (see `RecycleGate`).
        if lease.gate != nil, let failure = await page.passGate(loaderId: navigation.loaderId, deadline: deadline.instant) {
            if Task.isCancelled { throw progress.cancellation }
            if deadline.hasPassed { throw .timeout(stage: .navigation, elapsedMs: progress.elapsedMs) }
            lease.reuse?.recordGateFailure(failure)
            throw .internalError("a recycled context could not be shown clean for this render (\(failure))")
        }
        progress.enter(.wait, closing: \.navigationMs)

        // Wait.
        let waits = WaitRunner(page: page, loaderId: navigation.loaderId, deadline: deadline.instant)
        do {
            progress.met(try await waits.run(config.effectiveWait))
        } catch {
            switch error {
            case .crashed(let detail): throw .browserCrashed(retried: false, detail: detail)
            case .invalid(let reason): throw .invalidConfig(field: "config.wait_for", reason: reason)
            case .timedOut: throw .timeout(stage: .wait, elapsedMs: progress.elapsedMs)
            case .cancelled: throw progress.cancellation
            }
        }
        progress.enter(.action, closing: \.waitMs)

        // Scroll and actions.
        if let scroll = config.scroll {
            let outcome = try await stage { () async throws(PageError) in try await page.scroll(scroll, deadline: deadline) }
            if outcome.afterScrollValue == nil, scroll.afterScrollJs != nil {
                progress.warn("after_scroll_js returned nothing")
            }
        }
        let collect = request.collectState
        let runner = ActionRunner(
            page: page, deadline: deadline, actionTimeout: configuration.actionTimeout, progress: progress,
            egress: lease.egress,
            beforeNavigate: {
                guard collect, let read = try? await page.localStorage(timeout: .seconds(2)) else { return }
                storage.withLock { $0.merge(read) { _, new in new } }
            }
        )
        let actions = try await runner.run(config.actions)
        progress.enter(.capture, closing: \.actionsMs)

        // Capture.
        // A page that replaced the document the wait saw parsed is captured once the new one is parsed.
        let parsed = waits.sawParsedDocument.load(ordering: .relaxed)
        var result = try await stage { () async throws(PageError) in try await self.capture(page, capture, parsed: parsed) }
        await report(page, downloads: downloads, into: &result)
        result.actionsExecuted = actions

        // Browser state for the session: cookies (to count changes) and, when collecting, localStorage.
        var state: BrowserState?
        if collect || request.state != nil {
            let (cookies, read) = try await stage { () async throws(PageError) in
                try await page.readState(withLocalStorage: collect, timeout: deadline.remaining)
            }
            result.cookiesUpdated = Self.changedCookies(before: request.state?.cookies ?? [], after: cookies)
            if let read {
                storage.withLock { $0.merge(read) { _, new in new } }
                state = BrowserState(cookies: cookies, localStorage: storage.withLock { $0 })
            }
        }
        await warnAboutMissingFonts(page)
        progress.close(\.captureMs)
        for warning in EgressReport.warnings(lease.egress, after: egressMark) { progress.warn(warning) }
        result.timings = progress.timings
        result.waitConditionsMet = progress.waitConditionsMet
        result.warnings = progress.warnings
        result.renderTimeMs = RenderProgress.ms(.now - request.receivedAt)
        return RenderOutcome(result: result, state: state)
    }

    /// Warns when the page has text in a script this machine has no font for (best effort, at most
    /// two seconds; nothing is asked when every script has a font).
    private func warnAboutMissingFonts(_ page: Page) async {
        let missing = configuration.missingFontScripts
        guard !missing.isEmpty else { return }
        let probe = FontCoverage.usageProbe(for: missing)
        guard let used = try? await page.evaluate(probe, awaitPromise: false, timeout: min(.seconds(2), deadline.remaining)),
            case .array(let names) = used, !names.isEmpty
        else { return }
        let scripts = names.compactMap(\.stringValue).joined(separator: ", ")
        progress.warn("the page has \(scripts) text but no font for it is installed: it is drawn as empty boxes (scripts/setup serve installs them)")
    }

    /// Everything that must be in place before navigation, sent concurrently where independent.
    private func prepare(_ page: Page, lease: LeasedContext, capture: CaptureConfig, downloads: DownloadLog.Mode)
        async throws(PageError)
    {
        let browserUA = lease.browserUserAgent
        let viewport = config.effectiveViewport
        var profile = StealthProfile.resolve(stealth, seed: seed, browserUserAgent: browserUA, viewport: viewport)
        var headers = config.headers
        // Chromium derives Accept-Language from the emulated language list (adding q-values) and lets that
        // win over extra headers, so a caller's Accept-Language becomes the list: header and
        // navigator.languages then agree.
        if let key = headers.keys.first(where: { $0.lowercased() == "accept-language" }), let value = headers[key] {
            headers[key] = nil
            profile.languages = StealthProfile.languages(fromHeader: value)
        }
        let timeout = deadline.remaining
        let stealthProfile = profile
        let screen = profile.screen.map { (width: $0.width, height: $0.height) }
        // A context kept warm for its session already holds the session's cookies and localStorage.
        let restored = lease.holdsState ? nil : request.state
        let cookies = restored?.cookies ?? []
        let javascript = config.effectiveJavascriptEnabled
        let extraHeaders = headers
        // Dialogs are answered from the first one on; popups are closed and downloads refused (or kept)
        // before the document can open or start any.
        page.answerDialogs(config.effectiveDialogs)
        var commands: [@Sendable () async throws -> Void] = [
            { try await page.enableEvents(network: true, console: capture.console, timeout: timeout) },
            { try await page.setViewport(viewport, screen: screen, timeout: timeout) },
            { try await page.applyStealth(stealthProfile, browserUserAgent: browserUA, timeout: timeout) },
            { try await page.closePopups(timeout: timeout) },
            { try await page.handleDownloads(downloads, timeout: timeout) },
        ]
        if !extraHeaders.isEmpty { commands.append { try await page.setExtraHeaders(extraHeaders, timeout: timeout) } }
        if !javascript { commands.append { try await page.setJavaScriptEnabled(false, timeout: timeout) } }
        if !cookies.isEmpty { commands.append { try await page.cookies.set(cookies, timeout: timeout) } }
        let saved = restored?.localStorage ?? [:]
        // A localStorage restore answers its placeholder documents through Fetch and ends with
        // Fetch.disable, so interception must be switched on after it; without a restore it goes out
        // with the rest (in place before navigation either way).
        let intercepting = intercepts(lease)
        if intercepting, saved.isEmpty { commands.append { try await self.intercept(page, lease: lease, timeout: timeout) } }
        try await Page.concurrently(commands)
        guard !saved.isEmpty else { return }
        try await page.restoreLocalStorage(saved, timeout: deadline.remaining)
        if intercepting { try await intercept(page, lease: lease, timeout: deadline.remaining) }
    }

    /// Whether the config blocks requests or the browser must answer its proxy's challenges (both
    /// need Fetch interception, which pauses every request of the page).
    private func intercepts(_ lease: LeasedContext) -> Bool {
        !config.blockResources.isEmpty || !config.blockUrls.isEmpty || proxyCredentials(lease) != nil
    }

    /// The credentials the page answers its proxy's challenges with: only without an egress gate. A
    /// gate chains the caller's proxy and sends its credentials upstream itself, so the browser never
    /// meets a challenge.
    private func proxyCredentials(_ lease: LeasedContext) -> (username: String, password: String)? {
        guard lease.egress == nil else { return nil }
        return config.proxy.flatMap { proxy in proxy.username.map { (username: $0, password: proxy.password ?? "") } }
    }

    /// Refuses the config's blocked requests and answers its proxy's challenges from now on.
    private func intercept(_ page: Page, lease: LeasedContext, timeout: Duration) async throws(PageError) {
        try await page.interceptRequests(
            blockTypes: config.blockResources, blockURLs: config.blockUrls, proxyCredentials: proxyCredentials(lease), timeout: timeout
        )
    }

    private func capture(_ page: Page, _ capture: CaptureConfig, parsed: Bool) async throws(PageError) -> DynamicRenderResult {
        let snapshot = try await page.snapshot(
            html: capture.html, metadata: capture.metadata, timing: capture.timing, parsed: parsed, timeout: deadline.remaining
        )
        var artifacts = Artifacts(metadata: snapshot.metadata, timing: snapshot.timing)
        if capture.screenshot {
            let shot = try await page.screenshot(
                format: capture.format, quality: capture.quality, fullPage: capture.fullPage, timeout: deadline.remaining
            )
            artifacts.screenshot = shot.base64
            if let height = shot.fullHeight {
                progress.warn("full-page screenshot cut at \(page.configuration.maxFullPageHeight) of \(height) px")
            }
        }
        if capture.pdf { artifacts.pdf = try await page.pdf(timeout: deadline.remaining) }
        if capture.mhtml { artifacts.mhtml = try await page.mhtml(timeout: deadline.remaining) }
        if capture.console {
            let (entries, dropped) = page.consoleMessages()
            artifacts.console = entries
            if dropped > 0 { progress.warn("console log full: \(dropped) messages dropped") }
        }
        if capture.network {
            let (entries, dropped) = page.networkLog()
            artifacts.network = entries
            if dropped > 0 { progress.warn("network log full: \(dropped) requests dropped") }
        }
        return DynamicRenderResult(
            html: snapshot.html, finalUrl: snapshot.url, statusCode: page.documentStatus(), title: snapshot.title,
            artifacts: artifacts, sessionId: nil
        )
    }

    /// Adds the page's dialogs, popups and downloads to the result. Downloads being kept that are still
    /// running are waited for, until `downloadReserve` before the deadline.
    private func report(_ page: Page, downloads: RenderDownloads, into result: inout DynamicRenderResult) async {
        if case .keep = downloads.mode {
            _ = await page.waitForDownloads(until: deadline.instant - Self.downloadReserve)
        }
        let (started, droppedDownloads) = page.downloads()
        result.downloads = downloads.entries(started)
        if droppedDownloads > 0 { progress.warn("downloads: \(droppedDownloads) more started, not listed") }
        let (dialogs, droppedDialogs) = page.openedDialogs()
        result.dialogs = dialogs
        if droppedDialogs > 0 { progress.warn("dialogs: \(droppedDialogs) more answered, not listed") }
        let (popups, droppedPopups) = page.openedPopups()
        result.popups = popups
        if droppedPopups > 0 { progress.warn("popups: \(droppedPopups) more opened and closed, not listed") }
    }

    /// Time kept free before the deadline when waiting for downloads, for the rest of the capture.
    static let downloadReserve: Duration = .milliseconds(250)

    /// Runs a page step of the current stage, translating its failure.
    private func stage<T>(_ body: () async throws(PageError) -> T) async throws(RenderError) -> T {
        do {
            return try await body()
        } catch {
            throw translate(error)
        }
    }

    /// A page failure outside actions: cancellation, a crash, the deadline (timed out in the current
    /// stage), or internal.
    private func translate(_ error: PageError) -> RenderError {
        if case .cancelled = error { return progress.cancellation }
        if error.isCrash { return .browserCrashed(retried: false, detail: "\(error)") }
        if case .timeout = error { return progress.timeout }
        if deadline.hasPassed { return progress.timeout }
        if case .javascriptError(let message) = error, progress.stage == .action {
            return .invalidConfig(field: "config.scroll", reason: message)
        }
        if case .invalidArgument(let message) = error { return .invalidConfig(field: "config", reason: message) }
        return .internalError("\(error)")
    }

    /// Cookies added, changed (value, expiry or flags) or removed between two jars.
    static func changedCookies(before: [Cookie], after: [Cookie]) -> Int {
        let old = Dictionary(before.map { ($0.key, $0) }, uniquingKeysWith: { _, last in last })
        let new = Dictionary(after.map { ($0.key, $0) }, uniquingKeysWith: { _, last in last })
        let changed = new.filter { old[$0.key] != $0.value }.count
        let removed = old.keys.filter { new[$0] == nil }.count
        return changed + removed
    }
}
