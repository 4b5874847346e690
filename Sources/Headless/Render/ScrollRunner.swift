import RenderTypes

/// Scrolls a page as a `ScrollConfig` says: fixed steps (one viewport height each unless `step_px`), or
/// to the bottom until the page stops growing (two steps in a row without new height) or `max_steps`;
/// `stop_condition` is checked after every step, `after_scroll_js` runs once at the end.
struct ScrollRunner: Sendable {
    /// What a scroll did.
    struct Outcome: Sendable {
        var steps: Int
        var height: Int
        var stoppedByCondition: Bool
        /// `after_scroll_js`'s value.
        var afterScrollValue: JSONValue?

        var json: JSONValue {
            var object: [String: JSONValue] = [
                "steps": .int(steps), "height": .int(height), "stopped_by_condition": .bool(stoppedByCondition),
            ]
            if let afterScrollValue { object["after_scroll_result"] = afterScrollValue }
            return .object(object)
        }
    }

    let page: Page
    let deadline: RenderDeadline

    func run(_ config: ScrollConfig) async throws(PageError) -> Outcome {
        var outcome = Outcome(steps: 0, height: 0, stoppedByCondition: false)
        switch config.mode {
        case .steps(let count):
            // One evaluation per step (it scrolls and returns the metrics, which steps do not need); the
            // default step, the viewport height, is read once before the first.
            var stepPx = config.stepPx ?? 1
            if config.stepPx == nil, count > 0 { stepPx = max(1, try await metrics(PageScripts.scrollMetrics).viewport) }
            for _ in 0..<count {
                _ = try await metrics(PageScripts.scrollBy(stepPx))
                outcome.steps += 1
                try await pause(config.delayMs)
                if try await stopConditionHolds(config) {
                    outcome.stoppedByCondition = true
                    break
                }
            }
        case .toBottom(let maxSteps):
            var lastHeight = try await metrics(PageScripts.scrollMetrics).height
            var unchanged = 0
            while outcome.steps < maxSteps, unchanged < 2 {
                _ = try await metrics(PageScripts.scrollToBottom)
                outcome.steps += 1
                try await pause(config.delayMs)
                // The stop condition and the new height in one evaluation.
                let after = try await page.evaluate(
                    config.stopCondition.map(PageScripts.predicateCheckAndMetrics) ?? PageScripts.scrollMetrics,
                    awaitPromise: false, timeout: deadline.remaining)
                if after["ok"]?.boolValue == true {
                    outcome.stoppedByCondition = true
                    break
                }
                let height = after["height"]?.intValue ?? 0
                unchanged = height > lastHeight ? 0 : unchanged + 1
                lastHeight = max(lastHeight, height)
            }
        }
        outcome.height = try await metrics(PageScripts.scrollMetrics).height
        if let script = config.afterScrollJs {
            outcome.afterScrollValue = try await page.evaluate(script, timeout: deadline.remaining)
        }
        return outcome
    }

    private func metrics(_ script: String) async throws(PageError) -> (height: Int, viewport: Int) {
        let value = try await page.evaluate(script, awaitPromise: false, timeout: deadline.remaining)
        return (value["height"]?.intValue ?? 0, value["viewport"]?.intValue ?? 0)
    }

    private func stopConditionHolds(_ config: ScrollConfig) async throws(PageError) -> Bool {
        guard let condition = config.stopCondition else { return false }
        let check = PageScripts.predicateCheck(condition)
        let value = try await page.evaluate(check, awaitPromise: false, timeout: deadline.remaining)
        return value["ok"]?.boolValue ?? false
    }

    /// `delay_ms` after a step; a cancelled scroll stops here instead of taking its next step.
    private func pause(_ ms: Int) async throws(PageError) {
        guard ms > 0 else { return }
        do {
            try await deadline.sleep(for: .milliseconds(ms), orThrow: PageError.timeout(operation: "scroll delay", afterMs: ms))
        } catch let error as PageError {
            throw error
        } catch {
            throw .cancelled  // the sleep throws only its timeout or CancellationError
        }
    }
}
