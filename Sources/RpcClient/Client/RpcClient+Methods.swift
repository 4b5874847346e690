public import RenderTypes
public import SessionContext

/// A typed call for every method the server serves (SPEC "Methods"). Each throws `RpcError`:
/// the server's error for the call, or a transport / deadline failure after the retries.
extension RpcClient {
    // MARK: render

    /// Renders with every `render` param (session, profile, priority…).
    public func render(_ params: RenderParams) async throws(RpcError) -> DynamicRenderResult {
        try await call(Calls.render(params, grace: configuration.renderDeadlineGrace))
    }

    /// Renders `url` in a fresh isolated context, no session.
    public func renderDynamic(
        url: String, config: DynamicConfig? = nil, stealth: StealthConfig? = nil
    ) async throws(RpcError) -> DynamicRenderResult {
        try await call(Calls.renderDynamic(url: url, config: config, stealth: stealth, grace: configuration.renderDeadlineGrace))
    }

    /// Renders `url` in session `sessionID` (a new generated id when nil; the result's
    /// `sessionId` tells it), so cookies and localStorage carry over between calls; `userDataDir`
    /// runs it in a named on-disk Chromium profile. With client-side sessions on, the render is
    /// admitted and recorded by the local store.
    public func renderDynamicWithSession(
        url: String, config: DynamicConfig? = nil, stealth: StealthConfig? = nil, sessionID: SessionID? = nil,
        userDataDir: String? = nil
    ) async throws(RpcError) -> DynamicRenderResult {
        try await call(
            Calls.renderDynamicWithSession(
                url: url, config: config, stealth: stealth, sessionID: sessionID, userDataDir: userDataDir,
                grace: configuration.renderDeadlineGrace
            )
        )
    }

    // MARK: session.*

    /// `session.create`: a server session (`id` generated when nil; nil fields take the server's defaults).
    public func createSession(
        id: SessionID? = nil, ttlSeconds: Int? = nil, autoRenew: Bool? = nil, maxRequests: Int? = nil,
        metadata: [String: JSONValue]? = nil, profile: String? = nil, keepWarm: Bool? = nil
    ) async throws(RpcError) -> SessionInfo {
        try await call(
            Calls.createSession(
                id: id, ttlSeconds: ttlSeconds, autoRenew: autoRenew, maxRequests: maxRequests, metadata: metadata,
                profile: profile, keepWarm: keepWarm
            )
        )
    }

    /// `session.get`: the live server session `id` (an access: renews it with auto-renew).
    public func session(id: SessionID) async throws(RpcError) -> SessionInfo {
        try await call(Calls.session(id: id))
    }

    /// `session.list`: live server sessions in id order, a page at a time.
    public func listSessions(limit: Int? = nil, cursor: String? = nil) async throws(RpcError) -> SessionInfoPage {
        try await call(Calls.listSessions(limit: limit, cursor: cursor))
    }

    /// `session.extend`: a new ttl for server session `id`, counted from now.
    public func extendSession(id: SessionID, ttlSeconds: Int) async throws(RpcError) -> SessionInfo {
        try await call(Calls.extendSession(id: id, ttlSeconds: ttlSeconds))
    }

    /// `session.set_metadata`: merges `metadata` into server session `id` (a `.null` value removes the key).
    public func setMetadata(id: SessionID, _ metadata: [String: JSONValue]) async throws(RpcError) -> SessionInfo {
        try await call(Calls.setMetadata(id: id, metadata: metadata))
    }

    /// `session.delete`: deletes server session `id` with its cookies and profile; whether it existed.
    @discardableResult
    public func deleteSession(id: SessionID) async throws(RpcError) -> Bool {
        try await call(Calls.deleteSession(id: id))
    }

    /// `session.stats`: the server store's figures.
    public func sessionStats() async throws(RpcError) -> SessionMetrics {
        try await call(Calls.sessionStats())
    }

    /// `session.cleanup`: removes the server's expired sessions now; how many.
    @discardableResult
    public func cleanupSessions() async throws(RpcError) -> Int {
        try await call(Calls.cleanupSessions())
    }

    // MARK: cookies.*

    /// `cookies.get`: the cookies of server session `sessionID` (those a request to `domain`
    /// would carry, and named `name`, when given).
    public func cookies(sessionID: SessionID, domain: String? = nil, name: String? = nil) async throws(RpcError)
        -> [Cookie]
    {
        try await call(Calls.cookies(sessionID: sessionID, domain: domain, name: name))
    }

    /// `cookies.set`: adds `cookies` to server session `sessionID` (same name, domain and path
    /// replaces); returns how many were given.
    @discardableResult
    public func setCookies(_ cookies: [Cookie], sessionID: SessionID) async throws(RpcError) -> Int {
        try await call(Calls.setCookies(cookies, sessionID: sessionID))
    }

    /// `cookies.delete`: deletes the cookies `name` on `domain` (and `path`, when given); whether any was there.
    @discardableResult
    public func deleteCookie(sessionID: SessionID, domain: String, name: String, path: String? = nil)
        async throws(RpcError) -> Bool
    {
        try await call(Calls.deleteCookie(sessionID: sessionID, domain: domain, name: name, path: path))
    }

    /// `cookies.clear`: removes every cookie of server session `sessionID`; how many.
    @discardableResult
    public func clearCookies(sessionID: SessionID) async throws(RpcError) -> Int {
        try await call(Calls.clearCookies(sessionID: sessionID))
    }

    // MARK: usage.get

    /// `usage.get`: what the caller's tenant spent in the current UTC `period` (the server's
    /// default, `day`, when nil), as the sum of the `usage` of every render it counted.
    public func usage(period: UsagePeriod? = nil) async throws(RpcError) -> UsageReport {
        try await call(Calls.usage(period: period))
    }

    /// `usage.get` with `session_id`: what the renders of the caller's session `sessionID` spent.
    public func usage(sessionID: SessionID) async throws(RpcError) -> UsageReport {
        try await call(Calls.usage(sessionID: sessionID))
    }

    // MARK: server

    /// `health`: what GET /health says (status, session store, pool).
    public func health() async throws(RpcError) -> ServerHealth {
        try await call(Calls.health())
    }

    /// `pool.stats`: the browser pool's figures (browsers, contexts, queue, utilization, memory).
    public func poolStats() async throws(RpcError) -> BrowserPoolStats {
        try await call(Calls.poolStats())
    }

    /// `rpc.discover`: the server's OpenRPC document.
    public func discover() async throws(RpcError) -> OpenRPCDescription {
        try await call(Calls.discover())
    }
}
