import Egress
import Foundation
import RenderTypes
import Synchronization

/// The egress gates of a pool's browser contexts: one opened before each context is created (the
/// context's proxy), kept by context id, closed when the context is disposed or its browser goes.
/// Without an egress policy there is no proxy and no gate: contexts connect by themselves.
final class EgressGates: Sendable {
    /// The pool's egress proxy; nil when the pool runs without an egress policy.
    let proxy: EgressProxy?
    private let gates = Mutex<[String: (browser: BrowserID, gate: EgressGate)]>([:])

    init(proxy: EgressProxy?) {
        self.proxy = proxy
    }

    /// A gate for a new context, routing through the caller's `proxy` when there is one; nil without
    /// an egress policy. A gate that cannot open fails the context like Chromium refusing it would.
    func open(for proxy: ProxyConfig?) async throws(CDPError) -> EgressGate? {
        guard let egress = self.proxy else { return nil }
        do {
            return try await egress.openGate(route: Self.route(for: proxy))
        } catch {
            throw .protocolError(method: "egress gate", code: 0, message: "\(error)")
        }
    }

    /// Keeps `gate` until the context `context` on `browser` is disposed.
    func register(_ gate: EgressGate, context: String, browser: BrowserID) {
        gates.withLock { $0[context] = (browser, gate) }
    }

    /// Closes the gate of a disposed context.
    func close(context: String) async {
        await gates.withLock { $0.removeValue(forKey: context) }?.gate.close()
    }

    /// Closes the gates of every context of a browser that closed or crashed.
    func close(browser: BrowserID) async {
        let closing = gates.withLock { gates in
            let mine = gates.filter { $0.value.browser == browser }
            for context in mine.keys { gates[context] = nil }
            return mine.values.map(\.gate)
        }
        for gate in closing { await gate.close() }
    }

    /// Closes every gate (the pool stopped).
    func closeAll() async {
        let closing = gates.withLock { gates in
            defer { gates = [:] }
            return gates.values.map(\.gate)
        }
        for gate in closing { await gate.close() }
    }

    /// How many gates are open (contexts with a way out).
    var count: Int { gates.withLock { $0.count } }

    /// The route of a context with the caller's `proxy` (`ProxyConfig.problem` has checked its form).
    static func route(for proxy: ProxyConfig?) -> EgressRoute {
        guard let proxy, let schemeEnd = proxy.server.range(of: "://") else { return .direct }
        let scheme = proxy.server[..<schemeEnd.lowerBound].lowercased()
        let authority = proxy.server[schemeEnd.upperBound...]
        let colon = authority.lastIndex(of: ":") ?? authority.endIndex
        var host = String(authority[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let port = Int(authority[authority.index(after: colon)...]) ?? 0
        let kind: UpstreamProxy.Kind = switch scheme {
        case "socks5": .socks5
        case "socks4": .socks4
        case "https": .https
        default: .http
        }
        let bypass = (proxy.bypass ?? "").split(whereSeparator: { $0 == "," || $0 == ";" })
            .map { $0.filter { !$0.isWhitespace } }.filter { !$0.isEmpty }
        return EgressRoute(
            upstream: UpstreamProxy(kind: kind, host: host, port: port, username: proxy.username, password: proxy.password),
            bypass: bypass)
    }
}
