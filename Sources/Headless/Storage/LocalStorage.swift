import Foundation
import Logging
import RenderTypes
import Synchronization

/// localStorage of several origins: origin (`http://127.0.0.1:8080`) → key → value.
public typealias LocalStorageContents = [String: [String: String]]

extension Page {
    /// Path of the placeholder document a restore loads on each origin; it never reaches the network.
    static let restorePath = "/__tidepool_storage_restore__"

    /// Reads localStorage of every origin that has a frame in the page now (restricted to `origins` when
    /// given); an origin whose storage is empty maps to an empty dictionary, so a caller can tell "cleared".
    /// `DOMStorage.enable` and the frame tree are asked for at once, then every origin's items at once.
    public func localStorage(origins: Set<String>? = nil, timeout: Duration? = nil) async throws(PageError)
        -> LocalStorageContents
    {
        async let enabled = settled { () async throws(PageError) in try await self.enableDOMStorage(timeout: timeout) }
        let tree = await settled { () async throws(PageError) in
            try await self.send(CDP.Page.GetFrameTree(), timeout: timeout).frameTree
        }
        try await enabled.get()
        let frameOrigins = Set(try tree.get().allFrames.compactMap(\.securityOrigin).filter(Self.isStorageOrigin))
        let wanted = frameOrigins.filter { origins?.contains($0) ?? true }
        let reads = await withTaskGroup(of: (String, Result<[String: String], PageError>).self) { group in
            for origin in wanted {
                group.addTask {
                    let items = await settled { () async throws(PageError) in
                        try await self.localStorageItems(of: origin, timeout: timeout)
                    }
                    return (origin, items)
                }
            }
            var all: [(String, Result<[String: String], PageError>)] = []
            for await read in group { all.append(read) }
            return all
        }
        var contents: LocalStorageContents = [:]
        // In origin order, so the failure reported is the same whichever answer came first.
        for (origin, items) in reads.sorted(by: { $0.0 < $1.0 }) { contents[origin] = try items.get() }
        return contents
    }

    /// One origin's localStorage items.
    private func localStorageItems(of origin: String, timeout: Duration?) async throws(PageError) -> [String: String] {
        let reply = try await send(CDP.DOMStorage.GetDOMStorageItems(storageId: .init(securityOrigin: origin)), timeout: timeout)
        var items: [String: String] = [:]
        for entry in reply.entries where entry.count == 2 { items[entry[0]] = entry[1] }
        return items
    }

    /// Writes `contents` into the page's (fresh) context before its first real navigation: for each origin
    /// the page loads a placeholder document answered by request interception — no byte goes to the
    /// network — and sets the items there. Interception is switched off again afterwards, so call this
    /// before `interceptRequests`.
    public func restoreLocalStorage(_ contents: LocalStorageContents, timeout: Duration? = nil) async throws(PageError) {
        let origins = contents.filter { !$0.value.isEmpty }.keys.filter(Self.isStorageOrigin).sorted()
        guard !origins.isEmpty else { return }
        let urls = Set(origins.map { $0 + Self.restorePath })
        mutable.withLock { $0.restoreURLs = urls }
        try await send(
            CDP.Fetch.Enable(patterns: urls.sorted().map { CDP.Fetch.RequestPattern(urlPattern: RequestBlocking.fetchPattern($0)) }),
            timeout: timeout
        )
        for origin in origins {
            _ = try await navigate(to: origin + Self.restorePath, timeout: timeout)
            let items = JSONValue.object((contents[origin] ?? [:]).mapValues(JSONValue.string))
            let script = "(items => { for (const [k, v] of Object.entries(items)) localStorage.setItem(k, v); return true; })"
            try await retryingContextLoss(timeout: timeout) { () async throws(PageError) in
                _ = try await self.call(script, [items], timeout: timeout)
            }
        }
        // The placeholders leave no history entries behind: the page's history is then what a fresh
        // page's is (the entry it is on, and the next document).
        try await Self.concurrently([
            { try await self.send(CDP.Fetch.Disable(), timeout: timeout) },
            { try await self.send(CDP.Page.ResetNavigationHistory(), timeout: timeout) },
        ])
        mutable.withLock { $0.restoreURLs = [] }
    }

    /// Reads localStorage of each of `origins` whether or not a page shows it now: the page loads the
    /// restore's placeholder document on each origin in turn (answered by request interception, no
    /// byte to the network) and reads the origin's items there. An origin without items maps to an
    /// empty dictionary. For a browser whose pages belong to someone else (a CDP client's), read
    /// after they are done with it; call on a page of the same context.
    public func readLocalStorage(ofOrigins origins: Set<String>, timeout: Duration? = nil) async throws(PageError)
        -> LocalStorageContents
    {
        let wanted = origins.filter(Self.isStorageOrigin).sorted()
        guard !wanted.isEmpty else { return [:] }
        let urls = Set(wanted.map { $0 + Self.restorePath })
        mutable.withLock { $0.restoreURLs = urls }
        defer { mutable.withLock { $0.restoreURLs = [] } }
        try await send(
            CDP.Fetch.Enable(patterns: urls.sorted().map { CDP.Fetch.RequestPattern(urlPattern: RequestBlocking.fetchPattern($0)) }),
            timeout: timeout
        )
        var contents: LocalStorageContents = [:]
        for origin in wanted {
            _ = try await navigate(to: origin + Self.restorePath, timeout: timeout)
            contents[origin] = try await localStorage(origins: [origin], timeout: timeout)[origin] ?? [:]
        }
        try await send(CDP.Fetch.Disable(), timeout: timeout)
        return contents
    }

    /// Answers the placeholder request of a localStorage restore.
    func fulfillRestore(_ requestId: String) async {
        let body = Data("<!doctype html><title></title>".utf8).base64EncodedString()
        do {
            _ = try await session.send(
                CDP.Fetch.FulfillRequest(
                    requestId: requestId, responseCode: 200,
                    responseHeaders: [.init(name: "Content-Type", value: "text/html; charset=utf-8")], body: body
                ),
                timeout: .seconds(5)
            )
        } catch {
            logger.debug("storage placeholder not answered", metadata: ["error": "\(error)"])
        }
    }

    /// Runs `body`, again after a short pause while the page's document is being replaced.
    func retryingContextLoss(timeout: Duration?, _ body: () async throws(PageError) -> Void) async throws(PageError) {
        let deadline = deadline(for: timeout)
        while true {
            do {
                try await body()
                return
            } catch {
                guard case .protocolError(_, let message) = error, Self.isContextLoss(message), clock.now < deadline else {
                    throw error
                }
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
    }

    private func enableDOMStorage(timeout: Duration?) async throws(PageError) {
        guard !mutable.withLock({ $0.domStorageEnabled }) else { return }
        try await send(CDP.DOMStorage.Enable(), timeout: timeout)
        mutable.withLock { $0.domStorageEnabled = true }
    }

    /// Only http(s) origins have storage worth keeping (opaque origins are "null").
    static func isStorageOrigin(_ origin: String) -> Bool {
        origin.hasPrefix("http://") || origin.hasPrefix("https://")
    }
}
