import Foundation
import Logging
import RenderTypes
import Synchronization

extension Page {
    /// Puts `profile` in place before the next document, in the page and in every worker it starts:
    /// user agent with client hints, platform, languages (and Accept-Language), locale, time zone, cores,
    /// `navigator.webdriver`, and the JavaScript patches. Workers (dedicated and service) attach paused at
    /// start (`Target.setAutoAttach` with `waitForDebuggerOnStart`), get the same overrides and the script,
    /// then run; `stopCoveringWorkers` ends that when the render is over. Commands go out concurrently.
    /// `browserUserAgent` stands in when only the languages or platform change.
    public func applyStealth(_ profile: StealthProfile, browserUserAgent: String, timeout: Duration? = nil)
        async throws(PageError)
    {
        let overrides = Self.stealthOverrides(profile, browserUserAgent: browserUserAgent)
        let script = StealthScript.source(for: profile)
        var commands: [@Sendable () async throws -> Void] = overrides.map { method, params in
            { try await self.send(method: method, params: params, timeout: timeout) }
        }
        // The launch switch makes navigator.webdriver false in every context; "none" puts Chromium's own
        // value back for this page only.
        let automation = CDP.Emulation.SetAutomationOverride(enabled: !profile.hideWebdriver)
        commands.append { try await self.send(automation, timeout: timeout) }
        if let script {
            commands.append { try await self.addInitScript(script, timeout: timeout) }
        }
        var workerSetup = overrides
        if let script { workerSetup.append(("Runtime.evaluate", ["expression": .string(script)])) }
        if !workerSetup.isEmpty {
            mutable.withLock { $0.workerSetup = workerSetup }
            if let browserContextId { WorkerPersona.shareWithSharedWorkers(workerSetup, of: browserContextId) }
            commands.append {
                try await self.send(
                    CDP.Target.SetAutoAttach(
                        autoAttach: true, waitForDebuggerOnStart: true, filter: Self.coveredWorkers), timeout: timeout)
            }
        }
        try await Self.concurrently(commands)
    }

    /// Stops pausing the page's new workers (nobody would let them run once the render is over).
    public func stopCoveringWorkers(timeout: Duration? = nil) async {
        guard mutable.withLock({ $0.workerSetup != nil }) else { return }
        if let browserContextId { WorkerPersona.shareWithSharedWorkers(nil, of: browserContextId) }
        do {
            try await send(CDP.Target.SetAutoAttach(autoAttach: false, waitForDebuggerOnStart: false), timeout: timeout)
        } catch {
            logger.debug("worker auto-attach not switched off", metadata: ["error": "\(error)"])
        }
    }

    /// The worker types that get the page's persona. Same-origin frames share the page's renderer and
    /// emulation; out-of-process frames are not paused (they keep the browser's values).
    static let coveredWorkers = ["worker", "service_worker"].map { CDP.Target.SetAutoAttach.Filter(type: $0) }

    /// The emulation commands of `profile`, each as method and params: the same list goes to the page
    /// and to each of its workers.
    static func stealthOverrides(_ profile: StealthProfile, browserUserAgent: String) -> [(method: String, params: JSONValue?)] {
        var commands: [(method: String, params: JSONValue?)] = []
        func add<C: CDPCommand>(_ command: C) {
            guard let data = try? JSONEncoder().encode(command), let params = try? JSONParser.parse(data) else { return }
            commands.append((C.method, params))
        }
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

    /// Workers the page's auto-attach reports: each gets the persona, in order, then runs. A failed
    /// override is logged and the worker still runs (a worker left paused would hang its page).
    func consumeAttachedWorkers(_ events: CDPEventStream) async {
        await withDiscardingTaskGroup { group in
            for await event in events {
                guard let attached = try? event.decodeParams(as: CDP.Target.AttachedToTarget.self) else { continue }
                let setup = mutable.withLock { $0.workerSetup } ?? []
                group.addTask { await self.prepareWorker(attached, setup: setup) }
            }
        }
    }

    private func prepareWorker(_ worker: CDP.Target.AttachedToTarget, setup: [(method: String, params: JSONValue?)]) async {
        await WorkerPersona.prepare(worker, setup: setup, on: session.connection, logger: logger)
    }
}
