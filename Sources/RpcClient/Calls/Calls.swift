import RenderTypes
import SessionContext

/// The call of every server method (SPEC "Methods"), defined once: `RpcClient`'s typed methods
/// send them, `RpcBatch`'s typed methods add them to a batch.
enum Calls {
    // MARK: render

    /// `render` with `params`; its deadline floor is the render's own `timeout_ms` plus `grace`,
    /// and a render with a session id is counted by the client-side session store.
    static func render(_ params: RenderParams, grace: Duration) -> RpcCall<DynamicRenderResult> {
        var call = RpcCall<DynamicRenderResult>(method: "render", params: params)
        let renderTimeoutMs = params.config?.effectiveTimeoutMs ?? RenderLimits.defaultTimeoutMs
        call.minimumTimeout = .milliseconds(renderTimeoutMs) + grace
        if let text = params.sessionId, let id = SessionID(text) {
            call.sessionRender = SessionRender(sessionID: id, url: params.url) { result in
                RequestOutcome(url: result.finalUrl, renderTimeMs: result.renderTimeMs)
            }
        }
        return call
    }

    // MARK: session.*

    static func createSession(
        id: SessionID?, ttlSeconds: Int?, autoRenew: Bool?, maxRequests: Int?, metadata: [String: JSONValue]?,
        profile: String?, keepWarm: Bool?
    ) -> RpcCall<SessionInfo> {
        let params = SessionCreateParams(
            sessionId: id, ttlSecs: ttlSeconds, autoRenew: autoRenew, maxRequests: maxRequests, metadata: metadata,
            profile: profile, keepWarm: keepWarm
        )
        return RpcCall(method: "session.create", params: params)
    }

    static func session(id: SessionID) -> RpcCall<SessionInfo> {
        RpcCall(method: "session.get", params: SessionIDParams(sessionId: id))
    }

    static func listSessions(limit: Int?, cursor: String?) -> RpcCall<SessionInfoPage> {
        RpcCall(method: "session.list", params: SessionListParams(limit: limit, cursor: cursor))
    }

    static func extendSession(id: SessionID, ttlSeconds: Int) -> RpcCall<SessionInfo> {
        RpcCall(method: "session.extend", params: SessionExtendParams(sessionId: id, ttlSecs: ttlSeconds))
    }

    static func setMetadata(id: SessionID, metadata: [String: JSONValue]) -> RpcCall<SessionInfo> {
        RpcCall(method: "session.set_metadata", params: SessionSetMetadataParams(sessionId: id, metadata: metadata))
    }

    static func deleteSession(id: SessionID) -> RpcCall<Bool> {
        RpcCall(method: "session.delete", params: SessionIDParams(sessionId: id), wire: DeletedOutcome.self) { $0.deleted }
    }

    static func sessionStats() -> RpcCall<SessionMetrics> {
        RpcCall(method: "session.stats")
    }

    static func cleanupSessions() -> RpcCall<Int> {
        RpcCall(method: "session.cleanup", params: nil, wire: RemovedOutcome.self) { $0.removed }
    }

    // MARK: cookies.*

    static func cookies(sessionID: SessionID, domain: String?, name: String?) -> RpcCall<[Cookie]> {
        RpcCall(
            method: "cookies.get", params: CookiesGetParams(sessionId: sessionID, domain: domain, name: name),
            wire: CookieList.self
        ) { $0.cookies }
    }

    static func setCookies(_ cookies: [Cookie], sessionID: SessionID) -> RpcCall<Int> {
        RpcCall(
            method: "cookies.set", params: CookiesSetParams(sessionId: sessionID, cookies: cookies), wire: CountOutcome.self
        ) { $0.count }
    }

    static func deleteCookie(sessionID: SessionID, domain: String, name: String, path: String?) -> RpcCall<Bool> {
        RpcCall(
            method: "cookies.delete",
            params: CookiesDeleteParams(sessionId: sessionID, domain: domain, name: name, path: path),
            wire: DeletedOutcome.self
        ) { $0.deleted }
    }

    static func clearCookies(sessionID: SessionID) -> RpcCall<Int> {
        RpcCall(method: "cookies.clear", params: SessionIDParams(sessionId: sessionID), wire: RemovedOutcome.self) {
            $0.removed
        }
    }

    // MARK: usage.get

    static func usage(period: UsagePeriod?) -> RpcCall<UsageReport> {
        RpcCall(method: "usage.get", params: UsageParams(period: period))
    }

    static func usage(sessionID: SessionID) -> RpcCall<UsageReport> {
        RpcCall(method: "usage.get", params: UsageParams(sessionId: sessionID))
    }

    /// Params of `usage.get`: a period, or a session (never both).
    struct UsageParams: Encodable, Sendable {
        var period: UsagePeriod?
        var sessionId: SessionID?

        enum CodingKeys: String, CodingKey {
            case period
            case sessionId = "session_id"
        }
    }

    // MARK: server

    static func health() -> RpcCall<ServerHealth> {
        RpcCall(method: "health")
    }

    static func poolStats() -> RpcCall<BrowserPoolStats> {
        RpcCall(method: "pool.stats")
    }

    static func discover() -> RpcCall<OpenRPCDescription> {
        RpcCall(method: "rpc.discover")
    }
}

extension Calls {
    /// `render` of `url` without a session.
    static func renderDynamic(
        url: String, config: DynamicConfig?, stealth: StealthConfig?, grace: Duration
    ) -> RpcCall<DynamicRenderResult> {
        render(RenderParams(url: url, config: config, stealth: stealth), grace: grace)
    }

    /// `render` of `url` in session `sessionID` (a new generated id when nil), optionally in a
    /// named on-disk profile (`userDataDir`).
    static func renderDynamicWithSession(
        url: String, config: DynamicConfig?, stealth: StealthConfig?, sessionID: SessionID?, userDataDir: String?,
        grace: Duration
    ) -> RpcCall<DynamicRenderResult> {
        let id = sessionID ?? SessionID.generate()
        return render(
            RenderParams(url: url, sessionId: id.rawValue, userDataDir: userDataDir, config: config, stealth: stealth),
            grace: grace
        )
    }
}
