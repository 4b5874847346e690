import HTTPTypes

/// One REST endpoint: an HTTP method and path over one registered JSON-RPC method. The path's
/// `{name}` segments and the listed query parameters are params of that method under the same names;
/// the JSON body (when the route takes one) holds the others. The router and the OpenAPI document
/// are both built from `RestRoute.all`, so they cannot disagree.
struct RestRoute: Sendable {
    var method: HTTPRequest.Method
    /// The path template, `{name}` for a path parameter (named as the JSON-RPC param it fills).
    var path: String
    /// The JSON-RPC method the route calls.
    var rpcMethod: String
    /// The OpenAPI `operationId`.
    var operationID: String
    /// Params read from the query string.
    var query: [String] = []
    /// Whether the params not in the path or query come as a JSON object in the body.
    var takesBody: Bool = false
    /// The status of a successful answer.
    var successStatus: HTTPResponse.Status = .ok

    /// The path's parameter names, in order.
    var pathParameters: [String] {
        path.split(separator: "/").compactMap { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? String(segment.dropFirst().dropLast()) : nil
        }
    }

    /// The seed's table ("API Endpoints Summary"), plus `GET /sessions/{session_id}/cookies`.
    static let all: [RestRoute] = [
        RestRoute(method: .post, path: "/sessions", rpcMethod: "session.create", operationID: "createSession",
                  takesBody: true, successStatus: .created),
        RestRoute(method: .get, path: "/sessions", rpcMethod: "session.list", operationID: "listSessions",
                  query: ["limit", "cursor"]),
        RestRoute(method: .get, path: "/sessions/stats", rpcMethod: "session.stats", operationID: "sessionStats"),
        RestRoute(method: .post, path: "/sessions/cleanup", rpcMethod: "session.cleanup", operationID: "cleanupSessions"),
        RestRoute(method: .get, path: "/sessions/{session_id}", rpcMethod: "session.get", operationID: "getSession"),
        RestRoute(method: .delete, path: "/sessions/{session_id}", rpcMethod: "session.delete", operationID: "deleteSession"),
        RestRoute(method: .post, path: "/sessions/{session_id}/extend", rpcMethod: "session.extend",
                  operationID: "extendSession", takesBody: true),
        RestRoute(method: .post, path: "/sessions/{session_id}/cookies", rpcMethod: "cookies.set", operationID: "setCookies",
                  takesBody: true),
        RestRoute(method: .get, path: "/sessions/{session_id}/cookies", rpcMethod: "cookies.get", operationID: "getCookies",
                  query: ["domain", "name"]),
        RestRoute(method: .delete, path: "/sessions/{session_id}/cookies", rpcMethod: "cookies.clear",
                  operationID: "clearCookies"),
        RestRoute(method: .get, path: "/sessions/{session_id}/cookies/{domain}", rpcMethod: "cookies.get",
                  operationID: "getDomainCookies"),
        RestRoute(method: .get, path: "/sessions/{session_id}/cookies/{domain}/{name}", rpcMethod: "cookies.get",
                  operationID: "getCookie"),
        RestRoute(method: .delete, path: "/sessions/{session_id}/cookies/{domain}/{name}", rpcMethod: "cookies.delete",
                  operationID: "deleteCookie", query: ["path"]),
        RestRoute(method: .post, path: "/render", rpcMethod: "render", operationID: "render", takesBody: true),
    ]
}
