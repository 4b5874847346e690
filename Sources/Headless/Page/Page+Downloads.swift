import Logging

extension Page {
    /// Sets what happens to the downloads the page (or one of its popups) starts from now on: refused,
    /// or saved under a directory within a byte budget (a download that does not fit is stopped).
    /// Either way they are reported (`downloads()`): Chromium's download events are switched on.
    func handleDownloads(_ mode: DownloadLog.Mode, timeout: Duration? = nil) async throws(PageError) {
        monitor.setDownloadMode(mode)
        let command: CDP.Browser.SetDownloadBehavior
        switch mode {
        case .deny:
            command = .init(behavior: "deny", browserContextId: browserContextId, eventsEnabled: true)
        case .keep(let directory, _):
            command = .init(behavior: "allowAndName", browserContextId: browserContextId, downloadPath: directory, eventsEnabled: true)
        }
        do {
            _ = try await session.connection.send(command, timeout: timeout ?? configuration.defaultTimeout)
        } catch {
            throw PageError(error)
        }
    }

    /// The page's downloads in the order they began, and how many more there were
    /// (`RenderLimits.maxReportedDownloads`).
    func downloads() -> (downloads: [DownloadLog.Download], dropped: Int) {
        monitor.downloads()
    }

    /// Waits until none of the page's downloads is still running, or `deadline`; returns whether they
    /// all ended.
    func waitForDownloads(until deadline: ContinuousClock.Instant) async -> Bool {
        let result = await monitor.wait(until: deadline) { s, _ in
            s.downloads.hasRunning(owned: s.ownFrames.contains) ? .pending(wakeBy: nil) : .done
        }
        if case .success = result { return true }
        return false
    }

    /// Waits until at least `count` downloads of the page (or its popups) have begun (`wait_for:
    /// download`): a download is known once Chromium announces it, after its response arrived.
    public func waitForDownloads(begun count: Int, timeout: Duration? = nil) async throws(PageError) {
        let start = clock.now
        let outcome = await monitor.wait(until: deadline(for: timeout)) { s, _ in
            s.downloads.begun(owned: s.ownFrames.contains) >= count ? .done : .pending(wakeBy: nil)
        }
        try settle(outcome, "waiting for \(count == 1 ? "a download" : "\(count) downloads") to begin", since: start)
    }

    /// Applies a browser-level download event; returns the guid of a download of the page to stop
    /// because it no longer fits (see `DownloadLog`).
    func downloadToCancel(_ event: CDPEvent) -> String? {
        switch event.method {
        case "Browser.downloadWillBegin":
            guard let began = try? event.decodeParams(as: CDP.Browser.DownloadWillBegin.self) else { return nil }
            // A recycled page before its gate: the previous render's document started it. Stopped, and
            // not this render's to report.
            if monitor.read({ $0.gate?.quiet == true && $0.ownFrames.contains(began.frameId) }) { return began.guid }
            return monitor.updateDownloads { $0.begin(began, owned: $1) } ? began.guid : nil
        case "Browser.downloadProgress":
            guard let progress = try? event.decodeParams(as: CDP.Browser.DownloadProgress.self) else { return nil }
            return monitor.updateDownloads { $0.progress(progress, owned: $1) } ? progress.guid : nil
        default:
            return nil
        }
    }

    /// Stops a download of the page.
    func cancel(download guid: String) async {
        do {
            _ = try await session.connection.send(
                CDP.Browser.CancelDownload(guid: guid, browserContextId: browserContextId), timeout: Self.housekeepingTimeout)
        } catch {
            logger.debug("download not cancelled", metadata: ["guid": "\(guid)", "error": "\(error)"])
        }
    }
}
