import Foundation
import Rendering
import RenderTypes
import SessionContext

/// Params of `session.connect`.
struct SessionConnectParams: RpcParams, Sendable, Hashable, Codable {
    var sessionId: SessionID
    var ttlSecs: Int?
    /// The browser's persona settings, as a render's `stealth` (default medium).
    var stealth: StealthConfig?

    enum CodingKeys: String, CodingKey {
        case sessionId = "session_id"
        case ttlSecs = "ttl_secs"
        case stealth
    }

    static let parameters = [
        RpcParameter("session_id", sessionIDSchema, required: true),
        RpcParameter(
            "ttl_secs", .integer(minimum: 1, maximum: 3600),
            summary: "How long the hand-off may last (default 300), clamped to the session's remaining life."),
        RpcParameter(
            "stealth", .ref("StealthConfig"),
            summary: "The browser's fingerprint preset and overrides, as a render of the session with them gets (default medium)."),
    ]
}

/// `session.connect` (SPEC *Hand-off*): a session handed to the caller's own CDP client
/// (Playwright `connect_over_cdp`, Puppeteer `connect`) in a browser of its own.
enum ConnectMethods {
    static func register(in registry: inout RpcMethodRegistry, renders: RenderService, health: HealthReporter, clustered: Bool) {
        registry.register(
            "session.connect",
            summary: "Hands a session to a CDP client: a browser of its own with the session's cookies and localStorage "
                + "(a session with a profile: a browser on the profile's directory), wearing the session's persona, reached at ws_url (or http_url's /json/version); its state is written back when the client disconnects.",
            params: SessionConnectParams.self,
            result: RpcResultSpec(
                "connection",
                .object(
                    [
                        "session_id": .string, "ws_url": .string, "http_url": .string, "expires_at": .string,
                        "ttl_secs": .integer(minimum: 1),
                    ],
                    required: ["session_id", "ws_url", "http_url", "expires_at", "ttl_secs"])),
            errors: [.invalidParams, .sessionNotFound, .sessionExpired, .overloaded]
        ) { (params: SessionConnectParams, context: RpcCallContext) -> JSONValue in
            let id = params.sessionId.inTenant(context.tenant)
            let (token, hash) = HandoffToken.make()
            let grant = try await renders.connectCDP(
                id, ttlSeconds: params.ttlSecs, stealth: params.stealth ?? .default, tokenHash: hash, forwardedBy: context.forwardedBy)
            // A node of a cluster is named by its advertised URL (a load balancer in front may send the
            // WebSocket to another node); one node by the origin the caller reached it at.
            let origin = clustered ? nil : RequestOrigin.current
            let http = origin?.httpBase ?? health.node?.advertiseURL ?? "http://127.0.0.1"
            let ws = origin?.webSocketBase ?? Self.webSocketBase(of: http)
            return [
                "session_id": .string(id.rawValue), "ws_url": .string("\(ws)/cdp/\(token)"),
                "http_url": .string("\(http)/cdp/\(token)"),
                "expires_at": .string(RFC3339.string(from: grant.handoff.expiresAt)), "ttl_secs": .int(grant.ttlSeconds),
            ]
        }
    }

    /// `ws://…` for `http://…` (and `wss` for `https`).
    static func webSocketBase(of http: String) -> String {
        if http.hasPrefix("https://") { return "wss://" + http.dropFirst("https://".count) }
        if http.hasPrefix("http://") { return "ws://" + http.dropFirst("http://".count) }
        return http
    }
}
