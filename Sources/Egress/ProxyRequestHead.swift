/// The head of one request a browser sends its proxy: `CONNECT host:port` for a tunnel (HTTPS,
/// WebSocket), or an absolute-form request (`GET http://host/path HTTP/1.1`) for plain HTTP.
/// Package-visible for the fuzz target (Fuzz/FuzzEgressHead).
package struct ProxyRequestHead: Sendable, Hashable {
    package enum Target: Sendable, Hashable {
        case tunnel(host: String, port: Int)
        /// `originForm` is the path and query the server itself expects.
        case http(host: String, port: Int, url: String, originForm: String)
    }

    package var method: String
    package var target: Target
    package var version: String
    /// Header lines as sent, without their line ends.
    package var headerLines: [Substring]

    /// Longest head accepted (Chromium's are a few KiB).
    static let maxBytes = 64 * 1024

    /// Parses the head in `bytes` (up to and including the blank line), or says why it cannot.
    package static func parse(_ bytes: [UInt8]) -> Result<ProxyRequestHead, ProxyHeadError> {
        guard let text = String(validating: bytes, as: UTF8.self) else { return .failure(.notText) }
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let requestLine = lines.first else { return .failure(.malformed("no request line")) }
        let parts = requestLine.split(separator: " ")
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else {
            return .failure(.malformed("request line \"\(requestLine.prefix(80))\""))
        }
        let method = String(parts[0])
        let headerLines = Array(lines.dropFirst())
        guard !headerLines.contains(where: { !$0.contains(":") }) else { return .failure(.malformed("a header line without a colon")) }
        let target: Target
        if method == "CONNECT" {
            guard let (host, port) = authority(parts[1], defaultPort: nil) else {
                return .failure(.malformed("CONNECT target \"\(parts[1].prefix(80))\""))
            }
            target = .tunnel(host: host, port: port)
        } else {
            let url = parts[1]
            guard url.lowercased().hasPrefix("http://") else {
                return .failure(.unsupported("only absolute http:// URLs and CONNECT are proxied, not \"\(url.prefix(80))\""))
            }
            let rest = url.dropFirst("http://".count)
            let pathStart = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
            guard let (host, port) = authority(rest[..<pathStart], defaultPort: 80) else {
                return .failure(.malformed("URL \"\(url.prefix(80))\""))
            }
            var origin = String(rest[pathStart...])
            if origin.isEmpty { origin = "/" } else if origin.hasPrefix("?") { origin = "/" + origin }
            target = .http(host: host, port: port, url: String(url), originForm: origin)
        }
        return .success(ProxyRequestHead(method: method, target: target, version: String(parts[2]), headerLines: headerLines))
    }

    /// `host:port` (`[v6]:port`), without user info; the port is required unless a default is given.
    static func authority(_ text: Substring, defaultPort: Int?) -> (String, Int)? {
        guard !text.contains("@"), !text.isEmpty else { return nil }
        let host: Substring
        let portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            guard after.isEmpty || after.hasPrefix(":") else { return nil }
            portText = after.isEmpty ? nil : after.dropFirst()
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        } else {
            host = text
            portText = nil
        }
        guard !host.isEmpty else { return nil }
        let port: Int
        if let portText {
            guard let value = Int(portText), (1...65_535).contains(value) else { return nil }
            port = value
        } else {
            guard let defaultPort else { return nil }
            port = defaultPort
        }
        return (String(host), port)
    }

    /// The head to send the destination for a plain HTTP request: origin-form target, the proxy's
    /// own headers dropped, and `Connection: close` (one request per upstream connection, so the end
    /// of the response is the end of the connection and no framing needs reading).
    package func originRequest(keepingAbsoluteTarget: Bool, proxyAuthorization: String?) -> [UInt8] {
        guard case .http(_, _, let url, let origin) = target else { return [] }
        var text = "\(method) \(keepingAbsoluteTarget ? url : origin) \(version)\r\n"
        for line in headerLines {
            let name = line.prefix(while: { $0 != ":" }).lowercased()
            if ["connection", "proxy-connection", "proxy-authorization", "keep-alive"].contains(name) { continue }
            text += line + "\r\n"
        }
        if let proxyAuthorization { text += "Proxy-Authorization: \(proxyAuthorization)\r\n" }
        text += "Connection: close\r\n\r\n"
        return Array(text.utf8)
    }
}

/// Why a browser's request head was not proxied.
package enum ProxyHeadError: Error, Sendable, Hashable, CustomStringConvertible {
    case notText
    case malformed(String)
    case unsupported(String)
    case tooLarge

    package var description: String {
        switch self {
        case .notText: "the request head is not UTF-8"
        case .malformed(let what): "malformed \(what)"
        case .unsupported(let what): what
        case .tooLarge: "the request head is larger than \(ProxyRequestHead.maxBytes) bytes"
        }
    }
}
