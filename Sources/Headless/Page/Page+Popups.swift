import Logging

extension Page {
    /// Closes every window the page (or one of its popups) opens, the moment Chromium creates it, so
    /// none keeps running. Turns on the browser's target discovery (browser-wide and idempotent: it
    /// stays on for the connection), which announces new targets with their opener.
    public func closePopups(timeout: Duration? = nil) async throws(PageError) {
        do {
            _ = try await session.connection.send(CDP.Target.SetDiscoverTargets(discover: true), timeout: timeout ?? configuration.defaultTimeout)
        } catch {
            throw PageError(error)
        }
    }

    /// URLs of the windows the page opened (`window.open`, `target=_blank`, forms), in order, and how
    /// many more were not listed (`RenderLimits.maxReportedPopups`).
    public func openedPopups() -> (urls: [String], dropped: Int) {
        monitor.read { ($0.popups, $0.popupsDropped) }
    }

    /// Waits until the page (or one of its popups) has opened at least `count` windows (`wait_for: popup`),
    /// as `Page.windowOpen` reports them.
    public func waitForPopups(_ count: Int, timeout: Duration? = nil) async throws(PageError) {
        let start = clock.now
        let outcome = await monitor.wait(until: deadline(for: timeout)) { s, _ in
            s.popups.count + s.popupsDropped >= count ? .done : .pending(wakeBy: nil)
        }
        try settle(outcome, "waiting for \(count == 1 ? "a popup" : "\(count) popups")", since: start)
    }

    /// The target a `Target.targetCreated` event announces when the page (or one of its popups) opened
    /// it: a popup to close.
    func popupToClose(_ event: CDPEvent) -> String? {
        guard let created = try? event.decodeParams(as: CDP.Target.TargetCreated.self),
              monitor.popupCreated(created.targetInfo)
        else { return nil }
        return created.targetInfo.targetId
    }

    /// Closes a popup of the page. The popup may still wait for the debugger at its start (the browser's
    /// auto-attach holds every new page until the pool lets it run): closing it then left its renderer
    /// waiting for good — a same-site popup shares the opener's renderer, whose script then never went
    /// on, and the render ran into its timeout (measured: about one render of 30 popups in 20). So the
    /// popup is let run first, through a session of its own (a no-op when it already runs), then closed.
    func close(popup targetId: String) async {
        let connection = session.connection
        do {
            let own = try await connection.attach(toTarget: targetId, timeout: Self.housekeepingTimeout)
            _ = try? await connection.send(
                method: CDP.Runtime.RunIfWaitingForDebugger.method, sessionId: own.sessionId, timeout: Self.housekeepingTimeout)
        } catch {
            logger.debug("popup not attached before closing", metadata: ["target": "\(targetId)", "error": "\(error)"])
        }
        do {
            _ = try await connection.send(CDP.Target.CloseTarget(targetId: targetId), timeout: Self.housekeepingTimeout)
        } catch {
            logger.debug("popup not closed", metadata: ["target": "\(targetId)", "error": "\(error)"])
        }
    }
}
