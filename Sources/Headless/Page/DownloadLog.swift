import RenderTypes

/// The downloads one page started — from its frames or its popups — as the browser-level
/// `Browser.downloadWillBegin`/`downloadProgress` events report them, and the budget a render keeps
/// them under. A value in `PageMonitor`'s state, so waiters wake when a download ends.
///
/// Chromium sends those events to the browser's session for downloads of every context, naming only
/// the frame that started them, so a download is the page's when its frame is one of the page's own
/// (`owned`). A download may begin before the event that tells the page about its frame has been
/// read (the two come through different subscriptions): it waits in a short `unclaimed` list and is
/// looked at again on every later event and read.
struct DownloadLog: Sendable {
    /// What happens to the page's downloads.
    enum Mode: Sendable, Hashable {
        /// Refused by Chromium (nothing is written); still reported.
        case deny
        /// Saved under `directory` (each file named by its guid), all together at most `maxBytes`.
        case keep(directory: String, maxBytes: Int)
    }

    /// One download as the events describe it.
    struct Download: Sendable, Hashable {
        enum State: Sendable, Hashable {
            case inProgress
            case completed
            /// Cancelled by the page, the network, or Chromium (`deny` mode cancels every download).
            case canceled
            /// Stopped by us: it did not fit the budget.
            case tooLarge
        }

        let guid: String
        let frameId: String
        let url: String
        let suggestedFilename: String
        var totalBytes = 0
        var receivedBytes = 0
        var state = State.inProgress
    }

    var mode = Mode.deny
    /// The page's downloads in the order they began (at most `limit`).
    private(set) var downloads: [Download] = []
    /// Downloads of frames not (yet) known to be the page's, newest last (at most `unclaimedLimit`).
    private var unclaimed: [Download] = []
    /// The page's downloads beyond `limit`: counted, not kept (and stopped when keeping).
    private(set) var dropped = 0
    let limit: Int
    let unclaimedLimit = 32

    init(limit: Int) {
        self.limit = limit
    }

    /// Records a download that began. Returns whether it must be cancelled (beyond the list's bound
    /// while keeping downloads).
    mutating func begin(_ event: CDP.Browser.DownloadWillBegin, owned: (String) -> Bool) -> Bool {
        let download = Download(
            guid: event.guid, frameId: event.frameId, url: String(event.url.prefix(RenderLimits.maxURLLength)),
            suggestedFilename: String(event.suggestedFilename.prefix(1_024))
        )
        guard owned(download.frameId) else {
            unclaimed.append(download)
            if unclaimed.count > unclaimedLimit { unclaimed.removeFirst() }
            return false
        }
        return adopt(download)
    }

    /// Applies a progress event. Returns whether the download must be cancelled: it is the page's and,
    /// while keeping downloads, it no longer fits the budget (it is then marked `tooLarge`).
    mutating func progress(_ event: CDP.Browser.DownloadProgress, owned: (String) -> Bool) -> Bool {
        claim(owned)
        guard let index = downloads.firstIndex(where: { $0.guid == event.guid }) else {
            if let waiting = unclaimed.firstIndex(where: { $0.guid == event.guid }) {
                unclaimed[waiting].apply(event)
            }
            return false
        }
        guard downloads[index].state != .tooLarge else { return false }
        downloads[index].apply(event)
        guard downloads[index].state == .inProgress, case .keep(_, let maxBytes) = mode else { return false }
        let others = downloads.indices.filter { $0 != index && downloads[$0].keepsBytes }
            .reduce(0) { $0 + downloads[$1].receivedBytes }
        let size = max(downloads[index].receivedBytes, downloads[index].totalBytes)
        guard others + size > maxBytes else { return false }
        downloads[index].state = .tooLarge
        return true
    }

    /// Moves the unclaimed downloads whose frame is now the page's into the list.
    mutating func claim(_ owned: (String) -> Bool) {
        guard unclaimed.contains(where: { owned($0.frameId) }) else { return }
        let claimed = unclaimed.filter { owned($0.frameId) }
        unclaimed.removeAll { owned($0.frameId) }
        for download in claimed { _ = adopt(download) }
    }

    /// Whether one of the page's downloads is still running (`unclaimed` ones included when `owned` says so).
    func hasRunning(owned: (String) -> Bool) -> Bool {
        downloads.contains { $0.state == .inProgress }
            || unclaimed.contains { $0.state == .inProgress && owned($0.frameId) }
    }

    /// Whether a download waits for its frame to be known as the page's.
    var hasUnclaimed: Bool { !unclaimed.isEmpty }

    /// How many downloads of the page have begun: listed, counted beyond the list, and waiting ones
    /// whose frame `owned` now says is the page's.
    func begun(owned: (String) -> Bool) -> Int {
        downloads.count + dropped + unclaimed.count { owned($0.frameId) }
    }

    private mutating func adopt(_ download: Download) -> Bool {
        guard downloads.count < limit else {
            dropped += 1
            if case .keep = mode { return true }
            return false
        }
        downloads.append(download)
        return false
    }
}

extension DownloadLog.Download {
    /// Whether its bytes count against the budget (received, or being received, and kept).
    var keepsBytes: Bool { state == .inProgress || state == .completed }

    mutating func apply(_ event: CDP.Browser.DownloadProgress) {
        totalBytes = Int(max(0, event.totalBytes))
        receivedBytes = Int(max(0, event.receivedBytes))
        switch event.state {
        case "completed": state = .completed
        case "canceled": state = .canceled
        default: break
        }
    }
}
