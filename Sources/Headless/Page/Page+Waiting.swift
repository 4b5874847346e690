import RenderTypes

extension Page {
    /// A lifecycle point of the main frame's document.
    public enum LoadState: String, Sendable, Hashable {
        case domContentLoaded = "DOMContentLoaded"
        case load = "load"
    }

    /// Waits until the main frame's document (`loaderId`, or the current one) reached `state`.
    public func waitFor(_ state: LoadState, loaderId: String? = nil, timeout: Duration? = nil) async throws(PageError) {
        let start = clock.now
        let outcome = await monitor.wait(until: deadline(for: timeout)) { s, _ in
            s.reached(state.rawValue, loaderId: loaderId) ? .done : .pending(wakeBy: nil)
        }
        try settle(outcome, "waiting for \(state == .load ? "load" : "DOMContentLoaded")", since: start)
    }

    /// Waits until no request has been in flight for `idle` (requests counted from Network events,
    /// so `enableEvents(network: true)` must have run).
    public func waitForNetworkIdle(idle: Duration, timeout: Duration? = nil) async throws(PageError) {
        let start = clock.now
        let outcome = await monitor.wait(until: deadline(for: timeout), recheckEvery: .milliseconds(20)) { s, now in
            guard s.inflight.isEmpty else { return .pending(wakeBy: nil) }
            let idleSince = max(s.lastNetworkChange, start)
            return now - idleSince >= idle ? .done : .pending(wakeBy: idleSince + idle)
        }
        try settle(outcome, "waiting for network idle", since: start)
    }

    /// Requests in flight right now (from Network events).
    public var requestsInFlight: Int { monitor.read { $0.inflight.count } }

    /// Waits until an element matches `selector` (and, with `visible`, has a visible box). Survives
    /// navigations: the check restarts in the new document.
    public func waitForSelector(_ selector: String, visible: Bool = false, timeout: Duration? = nil)
        async throws(PageError)
    {
        let start = clock.now
        let deadline = deadline(for: timeout)
        let operation = "waiting for selector \(selector)\(visible ? " to be visible" : "")"
        try await repeatInPage(operation, start: start, deadline: deadline) { remainingMs in
            remainingMs.map { PageScripts.selectorWait(selector, visible: visible, timeoutMs: $0) }
                ?? PageScripts.selectorCheck(selector, visible: visible)
        } satisfied: { value in
            (value.boolValue ?? false, nil)
        }
    }

    /// Waits until the JavaScript `expression` is truthy (a thrown error counts as false; the last one
    /// is reported on timeout).
    public func waitForFunction(_ expression: String, timeout: Duration? = nil) async throws(PageError) {
        let start = clock.now
        let deadline = deadline(for: timeout)
        try await repeatInPage("waiting for javascript \(expression.prefix(80))", start: start, deadline: deadline) {
            remainingMs in
            remainingMs.map { PageScripts.predicateWait(expression, timeoutMs: $0) }
                ?? PageScripts.predicateCheck(expression)
        } satisfied: { value in
            (value["ok"]?.boolValue ?? false, value["error"]?.stringValue)
        }
    }

    /// Runs a check in the page until `satisfied` or `deadline`. With JavaScript on, `script(ms)` is one
    /// promise that resolves when the condition holds or its time is up; with JavaScript off (page timers
    /// do not run), `script(nil)` is a synchronous check polled every `pollInterval`. A navigation that
    /// destroys the document restarts the check in the next one.
    private func repeatInPage(
        _ operation: String, start: ContinuousClock.Instant, deadline: ContinuousClock.Instant,
        script: (Int?) -> String, satisfied: (JSONValue) -> (Bool, String?)
    ) async throws(PageError) {
        var lastError: String?
        while true {
            if Task.isCancelled { throw .cancelled }
            let left = remaining(until: deadline)
            if left <= .zero {
                let detail = lastError.map { " (last error: \($0))" } ?? ""
                throw .timeout(operation: operation + detail, afterMs: elapsedMs(since: start))
            }
            let inPage = javascriptEnabled
            let leftMs = max(1, Int(left / .milliseconds(1)))
            do {
                let value = try await evaluate(script(inPage ? leftMs : nil), timeout: left + .seconds(2))
                let (ok, error) = satisfied(value)
                if ok { return }
                lastError = error ?? lastError
            } catch {
                switch error {
                case .protocolError(_, let message) where Self.isContextLoss(message): break
                case .javascriptError(let message) where message.hasPrefix("SyntaxError"):
                    throw .invalidArgument(message)
                case .timeout: continue
                default: throw error
                }
            }
            try? await Task.sleep(for: min(configuration.pollInterval, remaining(until: deadline)))
        }
    }

    /// Whether a failed evaluation only means the document went away mid-check (navigation).
    static func isContextLoss(_ message: String) -> Bool {
        ["Execution context was destroyed", "Cannot find context", "Inspected target navigated", "Promise was collected",
         "Cannot find default execution context"]
            .contains { message.contains($0) }
    }

    /// Turns a monitor wait's failure into the page error.
    func settle(_ outcome: Result<Void, PageMonitor.WaitFailure>, _ operation: String, since start: ContinuousClock.Instant)
        throws(PageError)
    {
        switch outcome {
        case .success: return
        case .failure(.timedOut): throw .timeout(operation: operation, afterMs: elapsedMs(since: start))
        case .failure(.closed(let reason)): throw .targetClosed(reason)
        case .failure(.cancelled): throw .cancelled
        }
    }
}
