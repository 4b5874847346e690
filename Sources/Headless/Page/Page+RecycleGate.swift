import Foundation
import Logging
import RenderTypes
import Synchronization

/// How a recycled page's next render is kept from seeing anything of the previous one, without a
/// second document between them (BENCHMARKS.md, "A gate in the next document": the blank document
/// the reset used to wait on cost about a third of a recycled render's CPU).
///
/// After a render (`settleForRecycling`) the page keeps its document, with its scripts switched off
/// (no timers, no `beforeunload`), and an init script — the gate — that runs first in the next
/// document. The next render (`armGate`) clears the cookies, HTTP cache and service workers before
/// its request goes out; the page's scripts come back only once the document's response is in; the
/// previous document's unload handlers run as the new one commits; then the gate script stops the new
/// document before any of its own scripts, with a synchronous request the page answers itself, while
/// the browser clears every kind of state of the render's origins and checks that none is left
/// (`passGate`). Only a clean check lets the document go on; anything else — the gate not reached, a
/// cookie sent with the request, a document from a cache or a service worker, a same-document
/// navigation — fails the gate, and the render runs again in a fresh context.
public struct RecycleGate: Sendable {
    /// `scheme://host[:port]` of the renders the page serves.
    public let origin: String
    /// Origins whose storage the gate clears (the previous render contacted them).
    let origins: Set<String>
    /// In the gate's URL: another document cannot pass the gate (it does not know the nonce).
    let nonce: String
    /// What the page answers the gate with: the script lets its document go on only with it (a
    /// service worker answering the request instead does not know it).
    let answer: String
    /// The gate script's identifier (`Page.addScriptToEvaluateOnNewDocument`).
    let scriptId: String

    /// The URL the gate script requests, relative to the document (a redirect may have changed the host).
    var path: String { PageMonitor.gatePath + "?" + nonce }
}

/// Why a gated navigation may not serve its render.
public struct RecycleGateFailure: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}

extension Page {
    /// After a render that may leave its page to the next render of `origin`: undoes the render's own
    /// settings (its init scripts, extra headers, interception), switches the document's scripts
    /// off and installs the gate for the next document. The document and the context's state stay
    /// until the next render's gate clears them.
    public func settleForRecycling(origin: String, clearing origins: Set<String>, initScripts: [String], timeout: Duration)
        async throws(PageError) -> RecycleGate
    {
        let nonce = Self.randomToken()
        let answer = Self.randomToken()
        var undo: [@Sendable () async throws -> Void] = initScripts.map { id in
            { try await self.removeInitScript(id, timeout: timeout) }
        }
        undo.append { try await self.send(CDP.Network.SetExtraHTTPHeaders(headers: [:]), timeout: timeout) }
        undo.append { try await self.send(CDP.Fetch.Disable(), timeout: timeout) }
        undo.append { try await self.send(CDP.Emulation.SetScriptExecutionDisabled(value: true), timeout: timeout) }
        try await Self.concurrently(undo)
        // Added after the render's scripts are gone, so it is the first to run in the next document.
        let script = Self.gateScript(path: PageMonitor.gatePath + "?" + nonce, answer: answer)
        let scriptId = try await send(CDP.Page.AddScriptToEvaluateOnNewDocument(source: script), timeout: timeout).identifier
        return RecycleGate(
            origin: origin, origins: origins.union([origin]), nonce: nonce, answer: answer, scriptId: scriptId)
    }

    /// At the start of a render on a recycled page, before anything is sent to it: from here until the
    /// new document sends the gate's request, what the page reports is the previous document's and
    /// stays out of this render's logs (`Runtime.enable` alone replays the previous document's
    /// console messages).
    public func beginGate(_ gate: RecycleGate) {
        mutable.withLock { $0.gate = gate }
        monitor.beginGate()
    }

    /// Before the navigation of a render on a recycled page (after `beginGate` and the render's
    /// settings): the cookies, HTTP cache and service workers go before the request does, and
    /// interception pauses the main frame's document at its response and the gate's request. (The
    /// gate needs the page's scripts: a render without them is never recycled.)
    public func armGate(timeout: Duration) async throws(PageError) {
        guard let gate = mutable.withLock({ $0.gate }) else { return }
        let context = browserContextId
        let connection = session.connection
        let patterns = mutable.withLock { $0.blocking.fetchPatterns } + [
            CDP.Fetch.RequestPattern(urlPattern: "*" + PageMonitor.gatePath + "*"),
            CDP.Fetch.RequestPattern(urlPattern: "*", resourceType: "Document", requestStage: "Response"),
        ]
        try await Self.concurrently([
            { _ = try await connection.send(CDP.Storage.ClearCookies(browserContextId: context), timeout: timeout) },
            { try await self.send(CDP.Network.ClearBrowserCache(), timeout: timeout) },
            { try await self.send(CDP.Storage.ClearDataForOrigin(origin: gate.origin, storageTypes: "service_workers"), timeout: timeout) },
            { try await self.send(CDP.Fetch.Enable(patterns: patterns), timeout: timeout) },
        ])
    }

    /// After the navigation of a render on a recycled page: waits until the gate let the document on
    /// (or failed, or the document went on without it), checks how the document's request went out,
    /// and takes the gate down. Returns why the render may not go on in this context, nil when it may.
    public func passGate(loaderId: String?, deadline: ContinuousClock.Instant) async -> RecycleGateFailure? {
        guard let gate = mutable.withLock({ $0.gate }) else { return nil }
        let failure = await gateOutcome(loaderId: loaderId, deadline: deadline)
        monitor.endGate()
        mutable.withLock { $0.gate = nil }
        if let failure { return failure }
        let blocking = mutable.withLock { $0.blocking.fetchPatterns }
        let timeout = max(.milliseconds(1), min(Self.housekeepingTimeout, deadline - .now))
        do {
            try await Self.concurrently([
                { try await self.send(CDP.Page.RemoveScriptToEvaluateOnNewDocument(identifier: gate.scriptId), timeout: timeout) },
                {
                    if blocking.isEmpty {
                        try await self.send(CDP.Fetch.Disable(), timeout: timeout)
                    } else {
                        try await self.send(CDP.Fetch.Enable(patterns: blocking), timeout: timeout)
                    }
                },
            ])
        } catch {
            return RecycleGateFailure("the gate was not taken down: \(error)")
        }
        return nil
    }

    private func gateOutcome(loaderId: String?, deadline: ContinuousClock.Instant) async -> RecycleGateFailure? {
        // A same-document navigation keeps the previous render's document.
        guard let loaderId else { return RecycleGateFailure("the navigation kept the previous document") }
        let waited = await monitor.wait(until: deadline) { s, _ in
            guard let gate = s.gate else { return .done }
            switch gate.phase {
            case .passed, .failed: return .done
            case .armed, .resumed:
                // A document held at the gate can neither be parsed nor stop loading: this one went on
                // without it, or the gate script stopped it.
                return s.reached("DOMContentLoaded", loaderId: loaderId) || gate.stoppedAfterCommit ? .done : .pending(wakeBy: nil)
            }
        }
        if case .failure(let reason) = waited {
            return RecycleGateFailure("the gate did not answer (\(reason))")
        }
        // The request's cookies are reported as it went out, usually long before (a document that did
        // not come from the network has no such report), and so is the document the gate's request
        // came from.
        _ = await monitor.wait(until: min(deadline, .now + Self.housekeepingTimeout)) { s, _ in
            guard let gate = s.gate, gate.phase == .passed else { return .done }
            let requestSeen = gate.cookiesSent[loaderId] != nil || gate.documentNotFromNetwork != nil
            let gateSeen = gate.passedRequest.map { gate.gateLoaders[$0] != nil } ?? true
            return requestSeen && gateSeen ? .done : .pending(wakeBy: nil)
        }
        let watch = monitor.read { $0.gate }
        guard let watch else { return RecycleGateFailure("the gate was taken down") }
        switch watch.phase {
        case .failed(let reason): return RecycleGateFailure(reason)
        case .armed, .resumed: return RecycleGateFailure("the document went on without the gate")
        case .passed: break
        }
        guard let passed = watch.passedRequest, watch.gateLoaders[passed] == loaderId else {
            return RecycleGateFailure("another document than the navigation's passed the gate")
        }
        if let source = watch.documentNotFromNetwork {
            return RecycleGateFailure("the document came from a \(source)")
        }
        guard let sent = watch.cookiesSent[loaderId] else {
            return RecycleGateFailure("the document's request was not seen going out")
        }
        if sent > 0 { return RecycleGateFailure("the document's request went out with \(sent) cookie(s)") }
        return nil
    }

    /// A paused request the gate handles (on the page's own session): the gate's own request, and the
    /// main frame's document at its response. False when it is not one of them.
    func handleGatePaused(_ paused: CDP.Fetch.RequestPaused) async -> Bool {
        guard let gate = mutable.withLock({ $0.gate }) else {
            // No gate is up: a request to its path never leaves the browser.
            guard paused.request.url.contains(PageMonitor.gatePath) else { return false }
            await answerPaused(CDP.Fetch.FailRequest(requestId: paused.requestId))
            return true
        }
        let phase = monitor.read { $0.gate?.phase }
        if paused.request.url.contains(PageMonitor.gatePath) {
            guard phase == .resumed, paused.request.url.hasSuffix(gate.path), paused.frameId == session.targetId else {
                // Another document than the one let on reached the gate (say a refresh of the previous
                // document raced the navigation): it is stopped, and the gate does not pass.
                if phase == .passed { monitor.setGatePhase(.failed("a second document reached the gate")) }
                await answerPaused(CDP.Fetch.FailRequest(requestId: paused.requestId))
                return true
            }
            monitor.gateRequestSeen()
            await pass(gate, requestId: paused.requestId, networkId: paused.networkId)
            return true
        }
        guard paused.atResponse, paused.resourceType == "Document" else { return false }
        let status = paused.responseStatusCode ?? 0
        let redirect = (300..<400).contains(status) && status != 304
        if phase == .armed, paused.frameId == session.targetId, !redirect {
            // The request went out (with no cookie, `passGate` checks); the previous document may run
            // again until the new one commits: what it does there, the gate clears.
            do {
                try await send(CDP.Emulation.SetScriptExecutionDisabled(value: false), timeout: Self.housekeepingTimeout)
                monitor.setGatePhase(.resumed)
            } catch {
                monitor.setGatePhase(.failed("the page's scripts could not be switched back on: \(error)"))
            }
        }
        await answerPaused(CDP.Fetch.ContinueRequest(requestId: paused.requestId))
        return true
    }

    /// The gate's request is paused, so the new document waits at its start and the previous one has
    /// unloaded: clears every kind of state (browser-side commands only: the renderer waits on the
    /// request), checks that none is left, and lets the document on — or fails the request, and the
    /// document stops.
    private func pass(_ gate: RecycleGate, requestId: String, networkId: String?) async {
        let context = browserContextId
        let connection = session.connection
        let timeout = Self.housekeepingTimeout
        var clear: [@Sendable () async throws -> Void] = [
            { try await self.send(CDP.Page.ResetNavigationHistory(), timeout: timeout) },
            { try await self.send(CDP.Network.ClearBrowserCache(), timeout: timeout) },
            { _ = try await connection.send(CDP.Storage.ClearCookies(browserContextId: context), timeout: timeout) },
            { _ = try await connection.send(CDP.Browser.ResetPermissions(browserContextId: context), timeout: timeout) },
        ]
        for origin in gate.origins.sorted() {
            clear.append { try await self.send(CDP.Storage.ClearDataForOrigin(origin: origin), timeout: timeout) }
        }
        var left: [String] = []
        do {
            try await Self.concurrently(clear)
            let cookies = try await connection.send(CDP.Storage.GetCookies(browserContextId: context), timeout: timeout)
            if !cookies.cookies.isEmpty { left.append("cookies") }
            let usage = try await send(CDP.Storage.GetUsageAndQuota(origin: gate.origin + "/"), timeout: timeout)
            left += usage.usageBreakdown.filter { $0.usage > 0 }.map(\.storageType)
        } catch {
            left.append("(the clears failed: \(error))")
        }
        if left.isEmpty {
            let body = Data(gate.answer.utf8).base64EncodedString()
            await answerPaused(
                CDP.Fetch.FulfillRequest(
                    requestId: requestId, responseCode: 200,
                    responseHeaders: [
                        .init(name: "Content-Type", value: "text/plain"), .init(name: "Cache-Control", value: "no-store"),
                        // A sandboxed document has an opaque origin: the answer must be readable to it too.
                        .init(name: "Access-Control-Allow-Origin", value: "*"),
                    ], body: body))
            monitor.setGatePhase(.passed, passedRequest: networkId)
        } else {
            await answerPaused(CDP.Fetch.FailRequest(requestId: requestId))
            monitor.setGatePhase(.failed("left after the reset: \(left.joined(separator: ", "))"))
        }
    }

    private func answerPaused<C: CDPCommand>(_ command: C) async {
        do {
            _ = try await session.send(command, timeout: Self.housekeepingTimeout)
        } catch {
            logger.debug("paused request not answered", metadata: ["command": "\(C.method)", "error": "\(error)"])
        }
    }

    /// The first script of the document after a recycled page's render: in the main frame it waits on
    /// a synchronous request the page answers once the browser has cleared; then it empties what
    /// belongs to the page itself (window.name, sessionStorage, the renderer's copy of localStorage)
    /// and the resource timings that would show the request. Without the page's answer the document
    /// is stopped before any of its own scripts.
    static func gateScript(path: String, answer: String) -> String {
        """
        (() => {
          if (window !== window.top) return;
          const request = new XMLHttpRequest();
          let answer = '';
          try {
            request.open('GET', \(JSONValue.string(path).jsonString()), false);
            request.send();
            answer = request.responseText;
          } catch (error) {}
          if (answer !== \(JSONValue.string(answer).jsonString())) {
            window.stop();
            document.documentElement && document.documentElement.remove();
            return;
          }
          window.name = '';
          try { sessionStorage.clear(); localStorage.clear(); } catch (error) {}
          performance.clearResourceTimings();
        })();
        """
    }

    /// 122 random bits (a random UUID's), as 32 hex digits.
    static func randomToken() -> String {
        UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }
}
