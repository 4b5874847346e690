public import RenderTypes
public import SessionContext

/// The typed calls of `RpcClient`, added to a batch instead of sent (same names, same params).
extension RpcBatch {
    /// Adds `render` with every param.
    public mutating func render(_ params: RenderParams) -> BatchCall<DynamicRenderResult> {
        add(Calls.render(params, grace: renderGrace))
    }

    /// Adds a `render` of `url` without a session.
    public mutating func renderDynamic(
        url: String, config: DynamicConfig? = nil, stealth: StealthConfig? = nil
    ) -> BatchCall<DynamicRenderResult> {
        add(Calls.renderDynamic(url: url, config: config, stealth: stealth, grace: renderGrace))
    }

    /// Adds a `render` of `url` in session `sessionID` (generated when nil).
    public mutating func renderDynamicWithSession(
        url: String, config: DynamicConfig? = nil, stealth: StealthConfig? = nil, sessionID: SessionID? = nil,
        userDataDir: String? = nil
    ) -> BatchCall<DynamicRenderResult> {
        add(
            Calls.renderDynamicWithSession(
                url: url, config: config, stealth: stealth, sessionID: sessionID, userDataDir: userDataDir,
                grace: renderGrace
            )
        )
    }

    /// Adds `session.create`.
    public mutating func createSession(
        id: SessionID? = nil, ttlSeconds: Int? = nil, autoRenew: Bool? = nil, maxRequests: Int? = nil,
        metadata: [String: JSONValue]? = nil, profile: String? = nil, keepWarm: Bool? = nil
    ) -> BatchCall<SessionInfo> {
        add(
            Calls.createSession(
                id: id, ttlSeconds: ttlSeconds, autoRenew: autoRenew, maxRequests: maxRequests, metadata: metadata,
                profile: profile, keepWarm: keepWarm
            )
        )
    }

    /// Adds `session.get`.
    public mutating func session(id: SessionID) -> BatchCall<SessionInfo> {
        add(Calls.session(id: id))
    }

    /// Adds `session.list`.
    public mutating func listSessions(limit: Int? = nil, cursor: String? = nil) -> BatchCall<SessionInfoPage> {
        add(Calls.listSessions(limit: limit, cursor: cursor))
    }

    /// Adds `session.extend`.
    public mutating func extendSession(id: SessionID, ttlSeconds: Int) -> BatchCall<SessionInfo> {
        add(Calls.extendSession(id: id, ttlSeconds: ttlSeconds))
    }

    /// Adds `session.set_metadata`.
    public mutating func setMetadata(id: SessionID, _ metadata: [String: JSONValue]) -> BatchCall<SessionInfo> {
        add(Calls.setMetadata(id: id, metadata: metadata))
    }

    /// Adds `session.delete`.
    public mutating func deleteSession(id: SessionID) -> BatchCall<Bool> {
        add(Calls.deleteSession(id: id))
    }

    /// Adds `session.stats`.
    public mutating func sessionStats() -> BatchCall<SessionMetrics> {
        add(Calls.sessionStats())
    }

    /// Adds `session.cleanup`.
    public mutating func cleanupSessions() -> BatchCall<Int> {
        add(Calls.cleanupSessions())
    }

    /// Adds `cookies.get`.
    public mutating func cookies(sessionID: SessionID, domain: String? = nil, name: String? = nil) -> BatchCall<[Cookie]> {
        add(Calls.cookies(sessionID: sessionID, domain: domain, name: name))
    }

    /// Adds `cookies.set`.
    public mutating func setCookies(_ cookies: [Cookie], sessionID: SessionID) -> BatchCall<Int> {
        add(Calls.setCookies(cookies, sessionID: sessionID))
    }

    /// Adds `cookies.delete`.
    public mutating func deleteCookie(
        sessionID: SessionID, domain: String, name: String, path: String? = nil
    ) -> BatchCall<Bool> {
        add(Calls.deleteCookie(sessionID: sessionID, domain: domain, name: name, path: path))
    }

    /// Adds `cookies.clear`.
    public mutating func clearCookies(sessionID: SessionID) -> BatchCall<Int> {
        add(Calls.clearCookies(sessionID: sessionID))
    }

    /// Adds `usage.get` for the current UTC `period` (the server's default, `day`, when nil).
    public mutating func usage(period: UsagePeriod? = nil) -> BatchCall<UsageReport> {
        add(Calls.usage(period: period))
    }

    /// Adds `usage.get` for session `sessionID`.
    public mutating func usage(sessionID: SessionID) -> BatchCall<UsageReport> {
        add(Calls.usage(sessionID: sessionID))
    }

    /// Adds `health`.
    public mutating func health() -> BatchCall<ServerHealth> {
        add(Calls.health())
    }

    /// Adds `pool.stats`.
    public mutating func poolStats() -> BatchCall<BrowserPoolStats> {
        add(Calls.poolStats())
    }

    /// Adds `rpc.discover`.
    public mutating func discover() -> BatchCall<OpenRPCDescription> {
        add(Calls.discover())
    }
}
