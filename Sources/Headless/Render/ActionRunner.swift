import Egress
import RenderTypes

/// Runs a render's actions in order. Element actions wait for their element (visible) up to
/// `actionTimeout`; every action is bounded by the render's deadline. A failing `optional` action is
/// recorded (and warned about), any other failure ends the render with its index and reason.
/// Cancellation is never an action's failure: it ends the render as cancelled, optional action or not.
struct ActionRunner: Sendable {
    let page: Page
    let deadline: RenderDeadline
    let actionTimeout: Duration
    let progress: RenderProgress
    /// The context's egress gate: why a `navigate` action's navigation failed, when it refused it.
    let egress: EgressGate?
    /// Called before a `navigate` action leaves the current document (reads its localStorage).
    let beforeNavigate: @Sendable () async -> Void

    private enum Failure: Error {
        case failed(String)
        case urlNotAllowed(url: String, reason: String)
        case crashed(String)
        case deadline
    }

    func run(_ actions: [PageAction]) async throws(RenderError) -> [ActionOutcome] {
        var outcomes: [ActionOutcome] = []
        for (index, action) in actions.enumerated() {
            let start = ContinuousClock.now
            func outcome(ok: Bool, result: JSONValue? = nil, error: String? = nil) -> ActionOutcome {
                ActionOutcome(
                    index: index, type: action.typeName, ok: ok, ms: RenderProgress.ms(.now - start), result: result,
                    error: error
                )
            }
            do {
                let result = try await perform(action)
                if let ms = action.waitAfterMs, ms > 0 {
                    try await deadline.sleep(for: .milliseconds(ms), orThrow: Failure.deadline)
                }
                outcomes.append(outcome(ok: true, result: result))
            } catch let failure as Failure {
                switch failure {
                case .crashed(let detail): throw .browserCrashed(retried: false, detail: detail)
                case .deadline: throw progress.timeout
                case .urlNotAllowed(let url, let reason) where !action.optional:
                    throw .urlNotAllowed(url: url, reason: reason)
                case .urlNotAllowed(let url, let reason):
                    outcomes.append(outcome(ok: false, error: "URL not allowed: \(url): \(reason)"))
                    progress.warn("optional action \(index) (\(action.typeName)) failed: URL not allowed")
                case .failed(let reason) where action.optional:
                    outcomes.append(outcome(ok: false, error: reason))
                    progress.warn("optional action \(index) (\(action.typeName)) failed: \(reason)")
                case .failed(let reason):
                    throw .actionFailed(index: index, reason: reason)
                }
            } catch is CancellationError {
                throw progress.cancellation
            } catch {
                throw .internalError("action \(index): \(error)")
            }
        }
        return outcomes
    }

    private func perform(_ action: PageAction) async throws -> JSONValue? {
        let elementTimeout = min(actionTimeout, deadline.remaining)
        switch action.kind {
        case .click(let selector):
            try await attempt(await page.click(selector, timeout: elementTimeout))
        case .hover(let selector):
            try await attempt(await page.hover(selector, timeout: elementTimeout))
        case .type(let selector, let text, let clearFirst):
            try await attempt(await page.type(selector, text: text, clearFirst: clearFirst, timeout: elementTimeout))
        case .press(let key):
            try await attempt(await page.press(key, timeout: deadline.remaining))
        case .select(let selector, let value):
            try await attempt(await page.select(selector, value: value, timeout: elementTimeout))
        case .evaluate(let expression):
            return try await attempt(await page.evaluate(expression, timeout: deadline.remaining))
        case .wait(let condition):
            try await wait(condition, loaderId: nil)
        case .scroll(let config):
            return try await attempt(await page.scroll(config, deadline: deadline)).json
        case .screenshot(let fullPage):
            let shot = try await attempt(await page.screenshot(fullPage: fullPage, timeout: deadline.remaining))
            if let height = shot.fullHeight {
                progress.warn("screenshot of action cut at \(page.configuration.maxFullPageHeight) of \(height) px")
            }
            return .string(shot.base64)
        case .navigate(let url, let waitFor):
            if let violation = URLPolicy.check(url) { throw Failure.urlNotAllowed(url: url, reason: violation.reason) }
            await beforeNavigate()
            let mark = egress?.failureCount ?? 0
            let navigation: Page.Navigation
            do {
                navigation = try await page.navigate(to: url, timeout: deadline.remaining)
            } catch {
                if case .navigationFailed(let failedURL, _) = error,
                    let known = EgressReport.navigationError(egress, after: mark, url: url)
                {
                    switch known {
                    case .urlNotAllowed(let refusedURL, let reason): throw Failure.urlNotAllowed(url: refusedURL, reason: reason)
                    case .navigationFailed(_, let netError):
                        throw classify(.navigationFailed(url: failedURL, netError: netError))
                    default: break
                    }
                }
                if case .cancelled = error { throw CancellationError() }
                throw classify(error)
            }
            try await wait(waitFor ?? .load, loaderId: navigation.loaderId)
            var result: [String: JSONValue] = ["url": .string(url)]
            if let status = page.documentStatus(loaderId: navigation.loaderId) { result["status"] = .int(status) }
            return .object(result)
        case .setCookies(let cookies):
            try await attempt(await page.cookies.set(cookies, timeout: deadline.remaining))
            return .int(cookies.count)
        }
        return nil
    }

    /// Runs a page verb, translating its failure (its cancellation into `CancellationError`).
    private func attempt<T>(_ operation: @autoclosure () async throws(PageError) -> T) async throws -> T {
        do {
            return try await operation()
        } catch {
            if case .cancelled = error { throw CancellationError() }
            throw classify(error)
        }
    }

    private func wait(_ condition: WaitCondition, loaderId: String?) async throws {
        do {
            progress.met(try await WaitRunner(page: page, loaderId: loaderId, deadline: deadline.instant).run(condition))
        } catch {
            switch error {
            case .crashed(let detail): throw Failure.crashed(detail)
            case .invalid(let reason): throw Failure.failed(reason)
            case .timedOut(let summary):
                throw deadline.hasPassed ? Failure.deadline : Failure.failed("\(summary) did not hold in time")
            case .cancelled: throw CancellationError()
            }
        }
    }

    private func classify(_ error: PageError) -> Failure {
        if error.isCrash { return .crashed("\(error)") }
        if deadline.hasPassed { return .deadline }
        return .failed("\(error)")
    }
}

extension Page {
    /// Scrolls as `config` says (see `ScrollRunner`), bounded by `deadline`.
    func scroll(_ config: ScrollConfig, deadline: RenderDeadline) async throws(PageError) -> ScrollRunner.Outcome {
        try await ScrollRunner(page: self, deadline: deadline).run(config)
    }
}
