import Logging
import Synchronization

/// The page's related targets: its dedicated and service workers and its out-of-process (cross-site)
/// frames, which run in targets of their own where the page's settings do not reach. The page
/// auto-attaches them paused at start and gives each, before it runs, what the page has: the persona
/// (`WorkerPersona.Setups`), a frame also the page's request rules (blocked URLs and resources, proxy
/// challenges), and every one of them `Network.enable` with its events going to the page's monitor (the
/// network log, byte counts and `network_idle` count them). Shared workers belong to no page: the pool's
/// browser-level attach serves them from the registration made here.
extension Page {
    /// Auto-attaches the page's workers and cross-site frames from now on, each given `setups` and the
    /// rest above; and registers `setups` for the shared workers its context starts (replacing this
    /// page's earlier registration). `stopCoveringRelatedTargets` ends both.
    func coverRelatedTargets(_ setups: WorkerPersona.Setups, timeout: Duration?) async throws(PageError) {
        let sharing = WorkerPersona.sharingKey(browserContextId, on: session.connection)
        let monitor = self.monitor
        let token = WorkerPersona.shareWithSharedWorkers(setups.worker, of: sharing) { monitor.handle($0) }
        // In place before the auto-attach goes out: the first attached target reads it.
        let previous = mutable.withLock { state in
            defer { state.stealthSetups = setups; state.sharedWorkerToken = token }
            return state.sharedWorkerToken
        }
        if let previous { WorkerPersona.stopSharing(previous, of: sharing) }
        try await send(WorkerPersona.Setups.autoAttach, timeout: timeout)
    }

    /// Stops pausing the page's new workers and frames (nobody would let them run once the render is
    /// over) and takes its shared-worker registration back.
    public func stopCoveringRelatedTargets(timeout: Duration? = nil) async {
        let (covered, token) = mutable.withLock { state in
            defer { state.sharedWorkerToken = nil }
            return (state.stealthSetups != nil, state.sharedWorkerToken)
        }
        if let token { WorkerPersona.stopSharing(token, of: WorkerPersona.sharingKey(browserContextId, on: session.connection)) }
        guard covered else { return }
        do {
            try await send(CDP.Target.SetAutoAttach(autoAttach: false, waitForDebuggerOnStart: false), timeout: timeout)
        } catch {
            logger.debug("auto-attach of workers and frames not switched off", metadata: ["error": "\(error)"])
        }
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
