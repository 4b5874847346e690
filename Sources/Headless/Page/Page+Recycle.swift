import Foundation
import RenderTypes
import Synchronization

extension Page {
    /// Path of the blank document a recycled page waits on between renders; answered by request
    /// interception, it never reaches the network.
    static let parkPath = "/__tidepool_parked__"

    /// Most origins a render may have contacted for its page to be recycled (each is cleared).
    static let maxRecycledOrigins = 64

    /// The origins to clear when this page is reset for the next render of `origin`, or why it may
    /// not be: every document the render loaded (the main frame's and every frame's) must be of
    /// `origin` — a frame of another origin keeps storage under a partitioned key no per-origin clear
    /// reaches — and the network log must be complete and name at most `maxRecycledOrigins` origins.
    public func recyclableOrigins(for origin: String) -> Result<Set<String>, RecycleRefusal> {
        monitor.read { s in
            guard s.networkDropped == 0 else { return .failure(.init("the network log was full")) }
            var origins: Set<String> = [origin]
            for record in s.records {
                guard let other = Self.origin(of: record.url) else { continue }
                if record.resourceType == "Document", other != origin {
                    return .failure(.init("a document of another origin was loaded (\(other))"))
                }
                origins.insert(other)
                if origins.count > Self.maxRecycledOrigins {
                    return .failure(.init("more than \(Self.maxRecycledOrigins) origins were contacted"))
                }
            }
            if !s.popups.isEmpty { return .failure(.init("the page opened popups")) }
            return .success(origins)
        }
    }

    /// The init scripts this page object added, handed over once (a recycled page's reset removes them).
    public func takeInitScripts() -> [String] {
        mutable.withLock { state in
            defer { state.initScripts = [] }
            return state.initScripts
        }
    }

    /// Leaves nothing of the previous render that the next render of `origin` on this page could
    /// observe, and checks it. In order: the render's init scripts (`initScripts`), extra headers,
    /// script switch and interception are undone; the page moves to a blank document of `origin`
    /// (the render's document unloads, its unload handlers run and its dialogs are answered, its
    /// workers end; the renderer process stays); there `window.name` and sessionStorage are emptied,
    /// then the context's cookies, permissions and HTTP cache, every storage of `origins`
    /// (localStorage, IndexedDB, Cache Storage, service workers and their registrations, …) and the
    /// back/forward history are cleared. Last, the blank document is asked what it still sees:
    /// anything left fails the reset.
    ///
    /// With `clearing` nil (a keep_warm session's page) only the render's own settings are undone and
    /// the page moves to the blank document: every kind of state stays, by design.
    public func resetForReuse(origin: String, clearing origins: Set<String>?, initScripts: [String], timeout: Duration)
        async throws(PageError)
    {
        let blank = origin + Self.parkPath
        mutable.withLock { $0.restoreURLs = [blank] }
        var undo: [@Sendable () async throws -> Void] = initScripts.map { id in
            { try await self.removeInitScript(id, timeout: timeout) }
        }
        undo.append { try await self.send(CDP.Network.SetExtraHTTPHeaders(headers: [:]), timeout: timeout) }
        undo.append { try await self.setJavaScriptEnabled(true, timeout: timeout) }
        undo.append {
            try await self.send(
                CDP.Fetch.Enable(patterns: [CDP.Fetch.RequestPattern(urlPattern: RequestBlocking.fetchPattern(blank))]),
                timeout: timeout)
        }
        try await Self.concurrently(undo)
        _ = try await navigate(to: blank, timeout: timeout)
        guard let origins else {
            try await send(CDP.Fetch.Disable(), timeout: timeout)
            mutable.withLock { $0.restoreURLs = [] }
            return
        }
        // The blank document is this page's only one once it can be evaluated in (history can be reset
        // only then: "not attached to an active page" before).
        try await retryingContextLoss(timeout: timeout) { () async throws(PageError) in
            _ = try await self.evaluate(Self.pageStateReset, awaitPromise: false, timeout: timeout)
        }
        let context = browserContextId
        let connection = session.connection
        var clear: [@Sendable () async throws -> Void] = [
            { try await self.send(CDP.Fetch.Disable(), timeout: timeout) },
            { try await self.send(CDP.Page.ResetNavigationHistory(), timeout: timeout) },
            { try await self.send(CDP.Network.ClearBrowserCache(), timeout: timeout) },
            { _ = try await connection.send(CDP.Storage.ClearCookies(browserContextId: context), timeout: timeout) },
            { _ = try await connection.send(CDP.Browser.ResetPermissions(browserContextId: context), timeout: timeout) },
        ]
        for other in origins.sorted() {
            clear.append { try await self.send(CDP.Storage.ClearDataForOrigin(origin: other), timeout: timeout) }
        }
        try await Self.concurrently(clear)
        mutable.withLock { $0.restoreURLs = [] }
        let left = try await evaluate(Self.leftoverProbe, timeout: timeout)
        guard case .array(let found) = left else {
            throw .protocolError(method: "reset check", message: "unexpected answer \(left)")
        }
        if !found.isEmpty {
            throw .protocolError(
                method: "reset check", message: "left after the reset: \(found.compactMap(\.stringValue).joined(separator: ", "))")
        }
    }

    /// What belongs to the page (its browsing context) rather than to the browser context.
    static let pageStateReset = "(() => { window.name = ''; sessionStorage.clear(); return true; })()"

    /// What the blank document still sees of a previous render: the names of what is not empty.
    static let leftoverProbe = """
        (async () => {
          const left = [];
          if (document.cookie !== '') left.push('cookies');
          if (localStorage.length) left.push('localStorage');
          if (sessionStorage.length) left.push('sessionStorage');
          if (window.name !== '') left.push('window.name');
          if (history.length > 1) left.push('history');
          if (indexedDB.databases && (await indexedDB.databases()).length) left.push('IndexedDB');
          if (self.caches && (await caches.keys()).length) left.push('Cache Storage');
          if (navigator.serviceWorker && (await navigator.serviceWorker.getRegistrations()).length) left.push('service workers');
          return left;
        })()
        """

    /// `scheme://host[:port]` of an http(s) URL; nil for others.
    public static func origin(of url: String) -> String? {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = parts.host?.lowercased(), !host.isEmpty
        else { return nil }
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        guard let port = parts.port, port != (scheme == "http" ? 80 : 443) else { return "\(scheme)://\(bracketed)" }
        return "\(scheme)://\(bracketed):\(port)"
    }
}

/// Why a page may not be recycled.
public struct RecycleRefusal: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
