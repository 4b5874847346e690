import Foundation
import NIOCore

/// Asking a caller's proxy for a connection to the destination: HTTP `CONNECT`, SOCKS5 (RFC 1928,
/// with RFC 1929 username/password) or SOCKS4a. Reads through the upstream's inbound iterator;
/// bytes that arrive after the handshake's answer are left in `leftover` for the relay.
struct UpstreamHandshake {
    /// The caller's proxy refused or spoke wrongly.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    var leftover = ByteBuffer()
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

    /// Opens a tunnel to `host:port` through `proxy`.
    mutating func tunnel(through proxy: UpstreamProxy, to host: String, port: Int) async throws {
        switch proxy.kind {
        case .http, .https: try await httpConnect(proxy, host: host, port: port)
        case .socks5: try await socks5(proxy, host: host, port: port)
        case .socks4: try await socks4a(proxy, host: host, port: port)
        }
    }

    /// `Basic` credentials for the caller's proxy, when it has them.
    static func basicAuthorization(_ proxy: UpstreamProxy) -> String? {
        guard let username = proxy.username else { return nil }
        return "Basic " + Data("\(username):\(proxy.password ?? "")".utf8).base64EncodedString()
    }

    // MARK: HTTP CONNECT

    private mutating func httpConnect(_ proxy: UpstreamProxy, host: String, port: Int) async throws {
        let authority = (host.contains(":") ? "[\(host)]" : host) + ":\(port)"
        var head = "CONNECT \(authority) HTTP/1.1\r\nHost: \(authority)\r\n"
        if let authorization = Self.basicAuthorization(proxy) { head += "Proxy-Authorization: \(authorization)\r\n" }
        head += "\r\n"
        try await outbound.write(ByteBuffer(string: head))
        var received: [UInt8] = []
        while true {
            if let end = received.headEnd {
                leftover.writeBytes(received[end...])
                received.removeSubrange(end...)
                break
            }
            guard received.count < ProxyRequestHead.maxBytes else { throw Failure(description: "its answer to CONNECT is too long") }
            guard var chunk = try await iterator.next() else { throw Failure(description: "it closed the connection") }
            received += chunk.readBytes(length: chunk.readableBytes) ?? []
        }
        let statusLine = String(decoding: received.prefix { $0 != 0x0D }, as: UTF8.self)
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[1] == "200" else {
            throw Failure(description: "CONNECT \(authority) answered \"\(statusLine.prefix(100))\"")
        }
    }

    // MARK: SOCKS

    private mutating func socks5(_ proxy: UpstreamProxy, host: String, port: Int) async throws {
        let withPassword = proxy.username != nil
        try await outbound.write(ByteBuffer(bytes: withPassword ? [5, 2, 0, 2] : [5, 1, 0]))
        let choice = try await read(2)
        guard choice[0] == 5 else { throw Failure(description: "it does not speak SOCKS5") }
        switch choice[1] {
        case 0: break
        case 2 where withPassword:
            let user = Array((proxy.username ?? "").utf8.prefix(255)), password = Array((proxy.password ?? "").utf8.prefix(255))
            try await outbound.write(ByteBuffer(bytes: [1, UInt8(user.count)] + user + [UInt8(password.count)] + password))
            let status = try await read(2)
            guard status[1] == 0 else { throw Failure(description: "it refused the username and password") }
        default:
            throw Failure(description: "it accepts none of our authentication methods")
        }
        var request: [UInt8] = [5, 1, 0]
        if let address = IPAddress(host) {
            request += address.bytes.count == 4 ? [1] : [4]
            request += address.bytes
        } else {
            let name = Array(host.utf8.prefix(255))
            request += [3, UInt8(name.count)] + name
        }
        request += [UInt8(port >> 8), UInt8(port & 0xFF)]
        try await outbound.write(ByteBuffer(bytes: request))
        let reply = try await read(4)
        guard reply[1] == 0 else { throw Failure(description: "SOCKS5 connect to \(host):\(port) failed with code \(reply[1])") }
        switch reply[3] {
        case 1: _ = try await read(4 + 2)
        case 4: _ = try await read(16 + 2)
        case 3: _ = try await read(Int(try await read(1)[0]) + 2)
        default: throw Failure(description: "its SOCKS5 reply has address type \(reply[3])")
        }
    }

    private mutating func socks4a(_ proxy: UpstreamProxy, host: String, port: Int) async throws {
        // SOCKS4a: the name goes to the proxy (address 0.0.0.1), which resolves it on its side.
        var request: [UInt8] = [4, 1, UInt8(port >> 8), UInt8(port & 0xFF)]
        if let address = IPAddress(host), address.bytes.count == 4 {
            request += address.bytes + Array((proxy.username ?? "").utf8) + [0]
        } else {
            request += [0, 0, 0, 1] + Array((proxy.username ?? "").utf8) + [0] + Array(host.utf8) + [0]
        }
        try await outbound.write(ByteBuffer(bytes: request))
        let reply = try await read(8)
        guard reply[1] == 90 else { throw Failure(description: "SOCKS4 connect to \(host):\(port) failed with code \(reply[1])") }
    }

    /// Exactly `count` bytes from the proxy.
    private mutating func read(_ count: Int) async throws -> [UInt8] {
        while leftover.readableBytes < count {
            guard var chunk = try await iterator.next() else { throw Failure(description: "it closed the connection") }
            leftover.writeBuffer(&chunk)
        }
        return leftover.readBytes(length: count) ?? []
    }
}

extension Array where Element == UInt8 {
    /// The index just past the blank line that ends an HTTP head, when it has arrived.
    var headEnd: Int? {
        guard count >= 4 else { return nil }
        for index in 3..<count where self[index] == 0x0A && self[index - 1] == 0x0D && self[index - 2] == 0x0A && self[index - 3] == 0x0D {
            return index + 1
        }
        return nil
    }
}
