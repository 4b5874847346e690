import HTTPTypes

/// The scheme and host a caller reached this server at, for URLs a method hands back (the
/// hand-off URLs of `session.connect`): the request's `Host` (and `X-Forwarded-Proto` from a
/// proxy in front), bound for the call's duration by the HTTP endpoint.
struct RequestOrigin: Sendable, Hashable {
    /// `https` behind a TLS-terminating proxy, else `http`.
    var scheme: String
    /// `host[:port]` as the caller named it.
    var host: String

    @TaskLocal static var current: RequestOrigin?

    init(scheme: String, host: String) {
        self.scheme = scheme
        self.host = host
    }

    /// The origin `request` names; nil without a usable `Host`.
    init?(_ request: HTTPRequest) {
        guard let host = request.authority, !host.isEmpty,
            host.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "@") })
        else { return nil }
        let proto = request.headerFields[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased()
        self.init(scheme: proto == "https" ? "https" : "http", host: host)
    }

    var httpBase: String { "\(scheme)://\(host)" }
    var webSocketBase: String { "\(scheme == "https" ? "wss" : "ws")://\(host)" }
}
