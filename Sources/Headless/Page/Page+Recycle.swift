import Foundation
import RenderTypes
import Synchronization

extension Page {
    /// Path of the blank document a keep_warm session's page waits on between calls; answered by
    /// request interception, it never reaches the network.
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

    /// Before a keep_warm session's next call: undoes the render's own settings (its init scripts
    /// `initScripts`, extra headers, script switch, interception) and moves the page to a blank
    /// document of `origin` (the render's document unloads, its unload handlers run and its dialogs
    /// are answered, its workers end; the renderer process stays). Every kind of state stays, by
    /// design. (A recycled page is settled with `settleForRecycling` instead.)
    public func resetForReuse(origin: String, initScripts: [String], timeout: Duration) async throws(PageError) {
        let blank = origin + Self.parkPath
        mutable.withLock { $0.restoreURLs = [blank] }
        defer { mutable.withLock { $0.restoreURLs = [] } }
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
        try await send(CDP.Fetch.Disable(), timeout: timeout)
    }

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
