import Foundation
import Logging
import RenderTypes
import Synchronization

extension Page {
    /// Puts `profile` in place before the next document, in the page, in every out-of-process frame and
    /// in every worker it starts: user agent with client hints, platform, languages (and Accept-Language),
    /// locale, time zone, cores, colour scheme (windows only), `navigator.webdriver`, and the JavaScript
    /// patches. Workers (dedicated and service) and cross-site frames attach paused at start
    /// (`Target.setAutoAttach` with `waitForDebuggerOnStart`), get the same overrides and the script,
    /// then run; a frame auto-attaches its own workers and frames in turn. `stopCoveringWorkers` ends
    /// that when the render is over. Commands go out concurrently. `browserUserAgent` stands in when only
    /// the languages or platform change.
    public func applyStealth(_ profile: StealthProfile, browserUserAgent: String, timeout: Duration? = nil)
        async throws(PageError)
    {
        let setups = WorkerPersona.Setups(profile, browserUserAgent: browserUserAgent)
        var commands: [@Sendable () async throws -> Void] = setups.windowOverrides.map { method, params in
            { try await self.send(method: method, params: params, timeout: timeout) }
        }
        // The launch switch makes navigator.webdriver false in every context; "none" puts Chromium's own
        // value back for this page only.
        let automation = CDP.Emulation.SetAutomationOverride(enabled: !profile.hideWebdriver)
        commands.append { try await self.send(automation, timeout: timeout) }
        if let script = setups.script {
            commands.append { try await self.addInitScript(script, timeout: timeout) }
        }
        guard configuration.coverRelatedTargets else { return try await Self.concurrently(commands) }
        let sharing = WorkerPersona.sharingKey(browserContextId, on: session.connection)
        let monitor = self.monitor
        let token = WorkerPersona.shareWithSharedWorkers(setups.worker, of: sharing) { monitor.handle($0) }
        let previous = mutable.withLock { state in
            defer { state.stealthSetups = setups; state.sharedWorkerToken = token }
            return state.sharedWorkerToken
        }
        if let previous { WorkerPersona.stopSharing(previous, of: sharing) }
        commands.append { try await self.send(WorkerPersona.Setups.autoAttach, timeout: timeout) }
        try await Self.concurrently(commands)
    }

    /// Stops pausing the page's new workers (nobody would let them run once the render is over).
    public func stopCoveringWorkers(timeout: Duration? = nil) async {
        let (covered, token) = mutable.withLock { state in
            defer { state.sharedWorkerToken = nil }
            return (state.stealthSetups != nil, state.sharedWorkerToken)
        }
        if let token { WorkerPersona.stopSharing(token, of: WorkerPersona.sharingKey(browserContextId, on: session.connection)) }
        guard covered else { return }
        do {
            try await send(CDP.Target.SetAutoAttach(autoAttach: false, waitForDebuggerOnStart: false), timeout: timeout)
        } catch {
            logger.debug("worker auto-attach not switched off", metadata: ["error": "\(error)"])
        }
    }

    /// The emulation commands of `profile`, each as method and params: the same list goes to the page
    /// and to each of its workers.
    static func stealthOverrides(_ profile: StealthProfile, browserUserAgent: String) -> [(method: String, params: JSONValue?)] {
        var commands: [(method: String, params: JSONValue?)] = []
        func add(_ command: some CDPCommand) { commands.append(command.untyped) }
        if profile.userAgent != nil || profile.languages != nil || profile.platform != nil {
            add(CDP.Emulation.SetUserAgentOverride(
                userAgent: profile.userAgent ?? browserUserAgent, acceptLanguage: profile.languages?.joined(separator: ","),
                platform: profile.platform, userAgentMetadata: profile.userAgentMetadata
            ))
        }
        if let timezone = profile.timezone { add(CDP.Emulation.SetTimezoneOverride(timezoneId: timezone)) }
        if let locale = profile.locale { add(CDP.Emulation.SetLocaleOverride(locale: locale)) }
        if let cores = profile.hardwareConcurrency {
            add(CDP.Emulation.SetHardwareConcurrencyOverride(hardwareConcurrency: cores))
        }
        return commands
    }

    /// Targets the page's auto-attach reports (workers, out-of-process frames, and theirs in turn): each
    /// gets the persona, in order, then runs. A failed override is logged and the target still runs (one
    /// left paused would hang its page).
    func consumeAttachedTargets(_ events: CDPEventStream) async {
        await withDiscardingTaskGroup { group in
            for await event in events {
                guard let attached = try? event.decodeParams(as: CDP.Target.AttachedToTarget.self) else { continue }
                let setups = mutable.withLock { $0.stealthSetups }
                var setup = setups?.worker ?? []
                // Its network events count as the page's: a worker's own script request is announced on
                // the page but finishes on the worker (Chromium 156), and a page with a worker never went
                // network-idle; a cross-site frame's requests are the page's too (log, bytes, idle).
                let network = session.connection.events(sessionId: attached.sessionId, methods: PageMonitor.networkEvents)
                group.addTask { for await event in network { self.monitor.handle(event) } }
                if attached.targetInfo.type == "iframe" {
                    // The frame's own workers and frames, and its paused requests, subscribed before its
                    // auto-attach and interception go out.
                    let nested = session.connection.events(sessionId: attached.sessionId, methods: ["Target.attachedToTarget"])
                    group.addTask { await self.consumeAttachedTargets(nested) }
                    let interception = frameInterceptionSetup()
                    if !interception.isEmpty {
                        let paused = session.connection.events(
                            sessionId: attached.sessionId, methods: ["Fetch.requestPaused", "Fetch.authRequired"])
                        group.addTask { await self.consumeFrameInterception(paused, sessionId: attached.sessionId) }
                    }
                    setup = interception + (setups?.frame ?? [])
                }
                setup.insert((CDP.Network.Enable.method, nil), at: 0)
                group.addTask {
                    await WorkerPersona.prepare(attached, setup: setup, on: self.session.connection, logger: self.logger)
                }
            }
        }
    }
}
