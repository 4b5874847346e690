/// A connection the egress proxy did not make for a browser context, recorded on its gate so the
/// render can say what happened (a refused navigation is -32009, a refused subresource a warning;
/// the other failures are what Chromium would have reported without a proxy).
public struct EgressFailure: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The policy refuses the address; `reason` says which range holds it.
        case refused(reason: String)
        /// The name has no address.
        case unresolved(reason: String)
        /// Nothing listens there.
        case connectionRefused
        /// The connection was not made in time.
        case timedOut
        /// The address could not be reached (no route, network down…).
        case unreachable(reason: String)
        /// The caller's proxy failed or refused (`reason` from it).
        case upstream(reason: String)
    }

    /// The destination's host, as the browser asked for it.
    public var host: String
    public var port: Int
    /// The whole URL when the browser sent one (plain HTTP); nil for a tunnel (`CONNECT`).
    public var url: String?
    public var kind: Kind
    /// Order of failures on one gate, from 1.
    public var sequence: Int

    public var isPolicyRefusal: Bool {
        if case .refused = kind { true } else { false }
    }

    /// The net error Chromium gives the same failure when it connects itself.
    public var netError: String {
        switch kind {
        case .refused: "net::ERR_ACCESS_DENIED"
        case .unresolved: "net::ERR_NAME_NOT_RESOLVED"
        case .connectionRefused: "net::ERR_CONNECTION_REFUSED"
        case .timedOut: "net::ERR_CONNECTION_TIMED_OUT"
        case .unreachable: "net::ERR_ADDRESS_UNREACHABLE"
        case .upstream: "net::ERR_PROXY_CONNECTION_FAILED"
        }
    }

    /// `host:port`, bracketing an IPv6 host.
    public var authority: String {
        (host.contains(":") ? "[\(host)]" : host) + ":\(port)"
    }

    public var description: String {
        let target = url ?? authority
        switch kind {
        case .refused(let reason): return "\(target): \(reason)"
        case .unresolved(let reason): return "\(target): \(reason)"
        case .connectionRefused: return "\(target): connection refused"
        case .timedOut: return "\(target): connection timed out"
        case .unreachable(let reason): return "\(target): unreachable: \(reason)"
        case .upstream(let reason): return "\(target): the proxy failed: \(reason)"
        }
    }
}
