import Foundation
import Logging
public import RenderTypes
import Synchronization

/// Which requests a page refuses: by CDP resource type and by URL pattern (`*` matches any run of
/// characters, the whole URL must match). Enforced through the Fetch domain: matching requests pause
/// and are failed with `BlockedByClient`.
struct RequestBlocking: Sendable, Hashable {
    /// CDP `Network.ResourceType` names (`Image`, `Font`, …).
    var resourceTypes: Set<String> = []
    var urlPatterns: [String] = []

    init(resourceTypes: Set<String> = [], urlPatterns: [String] = []) {
        self.resourceTypes = resourceTypes
        self.urlPatterns = urlPatterns
    }

    init(_ types: [ResourceType], urlPatterns: [String]) {
        self.resourceTypes = Set(types.flatMap(\.cdpResourceTypes))
        self.urlPatterns = urlPatterns
    }

    var isEmpty: Bool { resourceTypes.isEmpty && urlPatterns.isEmpty }

    /// Whether a request for `url` of CDP type `resourceType` is refused.
    func blocks(url: String, resourceType: String) -> Bool {
        resourceTypes.contains(resourceType) || urlPatterns.contains { Self.glob($0, matches: url) }
    }

    /// The Fetch patterns that pause exactly the refused requests (WebSockets are not seen by Fetch).
    var fetchPatterns: [CDP.Fetch.RequestPattern] {
        resourceTypes.sorted().filter { $0 != "WebSocket" }.map { CDP.Fetch.RequestPattern(urlPattern: "*", resourceType: $0) }
            + urlPatterns.map { CDP.Fetch.RequestPattern(urlPattern: Self.fetchPattern($0)) }
    }

    /// Our patterns know only `*`; Fetch also treats `?` as a wildcard and `\` as escape, so both are escaped.
    static func fetchPattern(_ pattern: String) -> String {
        pattern.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "?", with: "\\?")
    }

    /// Anchored wildcard match where `*` is any run of characters (also empty).
    static func glob(_ pattern: String, matches text: String) -> Bool {
        let p = Array(pattern.utf8), t = Array(text.utf8)
        var pi = 0, ti = 0
        var star: Int?
        var resume = 0
        while ti < t.count {
            if pi < p.count, p[pi] == UInt8(ascii: "*") {
                star = pi
                resume = ti
                pi += 1
            } else if pi < p.count, p[pi] == t[ti] {
                pi += 1
                ti += 1
            } else if let s = star {
                pi = s + 1
                resume += 1
                ti = resume
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }
}

extension Page {
    /// Refuses requests of the given kinds and URL patterns from now on (Fetch interception). WebSockets
    /// are refused in the page itself: neither Fetch nor `Network.setBlockedURLs` stops a handshake in
    /// Chromium 156 (measured), so every new document gets a `WebSocket` constructor that throws
    /// `SecurityError`, as Chromium does for a blocked port (workers keep theirs). With proxy credentials, also answers the proxy's
    /// authentication challenges. An empty rule set with no credentials leaves interception off.
    public func interceptRequests(
        blockTypes: [ResourceType], blockURLs: [String], proxyCredentials: (username: String, password: String)? = nil,
        timeout: Duration? = nil
    ) async throws(PageError) {
        let blocking = RequestBlocking(blockTypes, urlPatterns: blockURLs)
        mutable.withLock {
            $0.blocking = blocking
            $0.proxyCredentials = proxyCredentials
        }
        var commands: [@Sendable () async throws -> Void] = []
        var patterns = blocking.fetchPatterns
        if proxyCredentials != nil { patterns = [CDP.Fetch.RequestPattern(urlPattern: "*")] }
        if !patterns.isEmpty {
            let enable = CDP.Fetch.Enable(patterns: patterns, handleAuthRequests: proxyCredentials != nil ? true : nil)
            commands.append { try await self.send(enable, timeout: timeout) }
        }
        if blockTypes.contains(.websocket) {
            commands.append { try await self.addInitScript(Self.webSocketBlocker, timeout: timeout) }
        }
        if !commands.isEmpty { try await Self.concurrently(commands) }
    }

    /// Replaces `window.WebSocket` with a constructor that refuses every connection.
    static let webSocketBlocker = """
        (() => {
          const Native = window.WebSocket;
          if (!Native) return;
          window.WebSocket = new Proxy(Native, {
            construct() { throw new DOMException("WebSocket connections are blocked", "SecurityError"); },
          });
        })();
        """

    /// What an out-of-process frame of the page needs for the page's request rules, sent before it runs:
    /// the page's Fetch interception covers its own renderer only, so a cross-site frame on the full
    /// browser loaded what the page blocked (measured). The frame gets the same Fetch patterns (its
    /// paused requests are answered by `consumeFrameInterception`) and the WebSocket blocker; nothing
    /// when the page neither blocks nor answers proxy challenges.
    func frameInterceptionSetup() -> WorkerPersona.Setup {
        let (blocking, credentials) = mutable.withLock { ($0.blocking, $0.proxyCredentials) }
        var setup: WorkerPersona.Setup = []
        let patterns = credentials != nil ? [CDP.Fetch.RequestPattern(urlPattern: "*")] : blocking.fetchPatterns
        if !patterns.isEmpty {
            setup.append(CDP.Fetch.Enable(patterns: patterns, handleAuthRequests: credentials != nil ? true : nil).untyped)
        }
        if blocking.resourceTypes.contains("WebSocket") {
            setup.append((CDP.Page.Enable.method, nil))
            setup.append((CDP.Page.AddScriptToEvaluateOnNewDocument.method, ["source": .string(Self.webSocketBlocker)]))
        }
        return setup
    }

    /// Answers the paused requests and proxy challenges of the out-of-process frame `sessionId` until it
    /// detaches.
    func consumeFrameInterception(_ events: CDPEventStream, sessionId: String) async {
        await withDiscardingTaskGroup { group in
            for await event in events {
                switch event.method {
                case "Fetch.requestPaused": group.addTask { await self.handlePaused(event, frame: sessionId) }
                case "Fetch.authRequired": group.addTask { await self.handleAuth(event, frame: sessionId) }
                default: break
                }
            }
        }
    }

    /// Fails a paused request that a rule refuses, lets every other one continue. `frame`: the session
    /// of the out-of-process frame it paused in (nil: the page's own).
    func handlePaused(_ event: CDPEvent, frame: String? = nil) async {
        guard let paused = try? event.decodeParams(as: CDP.Fetch.RequestPaused.self) else { return }
        if frame == nil, mutable.withLock({ $0.restoreURLs.contains(paused.request.url) }) {
            await fulfillRestore(paused.requestId)
            return
        }
        if frame == nil, await handleGatePaused(paused) { return }
        let blocked = mutable.withLock { $0.blocking.blocks(url: paused.request.url, resourceType: paused.resourceType) }
        let sessionId = frame ?? session.sessionId
        do {
            if blocked {
                _ = try await session.connection.send(
                    CDP.Fetch.FailRequest(requestId: paused.requestId), sessionId: sessionId, timeout: .seconds(5))
            } else {
                _ = try await session.connection.send(
                    CDP.Fetch.ContinueRequest(requestId: paused.requestId), sessionId: sessionId, timeout: .seconds(5))
            }
        } catch {
            // The request may have been cancelled by the page meanwhile; nothing waits on it.
            logger.debug("paused request not resumed", metadata: ["url": "\(paused.request.url)", "error": "\(error)"])
        }
    }

    /// Answers a proxy's authentication challenge with the configured credentials (`frame`: as above).
    func handleAuth(_ event: CDPEvent, frame: String? = nil) async {
        guard let auth = try? event.decodeParams(as: CDP.Fetch.AuthRequired.self) else { return }
        let credentials = mutable.withLock { $0.proxyCredentials }
        let response: CDP.Fetch.AuthChallengeResponse =
            if let credentials {
                ProxyAuthAnswers.response(to: auth, username: credentials.username, password: credentials.password)
            } else {
                .init(response: "Default")
            }
        do {
            _ = try await session.connection.send(
                CDP.Fetch.ContinueWithAuth(requestId: auth.requestId, authChallengeResponse: response),
                sessionId: frame ?? session.sessionId, timeout: .seconds(5)
            )
        } catch {
            logger.debug("auth challenge not answered", metadata: ["origin": "\(auth.authChallenge.origin)", "error": "\(error)"])
        }
    }
}
