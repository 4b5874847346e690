import AsyncSupport
import Logging
import NIOCore

/// One connection from the browser to its gate: reads the request head, opens the way out through
/// the connector (refusing what the policy refuses), then relays bytes both ways until either side
/// ends. A plain HTTP request goes upstream with `Connection: close`, so the end of the response is
/// the end of the connection and the relay needs no HTTP framing.
struct EgressConnection {
    let client: NIOAsyncChannel<ByteBuffer, ByteBuffer>
    let connector: EgressConnector

    func serve() async {
        do {
            try await client.executeThenClose { inbound, outbound in
                var iterator = inbound.makeAsyncIterator()
                var received: [UInt8] = []
                var headEnd: Int?
                while headEnd == nil {
                    guard received.count <= ProxyRequestHead.maxBytes else {
                        try await Self.refuse(Self.answer(431, ProxyHeadError.tooLarge.description), &iterator, outbound, on: client)
                        return
                    }
                    guard var chunk = try await iterator.next() else { return }
                    received += chunk.readBytes(length: chunk.readableBytes) ?? []
                    headEnd = received.headEnd
                }
                let end = headEnd ?? received.count
                guard end <= ProxyRequestHead.maxBytes else {
                    try await Self.refuse(Self.answer(431, ProxyHeadError.tooLarge.description), &iterator, outbound, on: client)
                    return
                }
                let head: ProxyRequestHead
                switch ProxyRequestHead.parse(Array(received[..<end])) {
                case .success(let parsed): head = parsed
                case .failure(let error):
                    try await Self.refuse(Self.answer(400, error.description), &iterator, outbound, on: client)
                    return
                }
                try await relay(head, early: ByteBuffer(bytes: received[end...]), &iterator, outbound)
            }
        } catch {
            connector.proxy.logger.trace("egress connection ended", metadata: ["error": "\(error)"])
        }
    }

    private func relay(
        _ head: ProxyRequestHead, early: ByteBuffer,
        _ iterator: inout NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator,
        _ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) async throws {
        let (host, port, url): (String, Int, String?)
        switch head.target {
        case .tunnel(let h, let p): (host, port, url) = (h, p, nil)
        case .http(let h, let p, let u, _): (host, port, url) = (h, p, u)
        }
        let isTunnel = url == nil
        let upstream: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        let via: UpstreamProxy?
        do {
            (upstream, via) = try await connector.open(host: host, port: port)
        } catch {
            connector.record(EgressFailure(host: host, port: port, url: url, kind: error.kind, sequence: 0))
            // A tunnel gets an answer (Chromium then fails the request); a plain request gets none, so
            // the page sees a network error as it would without a proxy, not an error page.
            if isTunnel { try await outbound.write(Self.answer(error.kind.isRefusal ? 403 : 502, "\(error.kind)")) }
            return
        }
        let connector = self.connector
        try await upstream.executeThenClose { upInbound, upOutbound in
            let ready = AsyncLatch<Bool>()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    var handshake = UpstreamHandshake(iterator: upInbound.makeAsyncIterator(), outbound: upOutbound)
                    do {
                        if let via, isTunnel || !via.speaksHTTP {
                            // A proxy that never answers is cut off: closing ends the handshake's reads.
                            let limit = connector.proxy.configuration.handshakeTimeout
                            let timer = upstream.channel.eventLoop.scheduleTask(in: TimeAmount(limit)) {
                                upstream.channel.close(promise: nil)
                            }
                            defer { timer.cancel() }
                            try await handshake.tunnel(through: via, to: host, port: port)
                        }
                    } catch {
                        let reason = "\(error) (the handshake is given \(connector.proxy.configuration.handshakeTimeout))"
                        connector.record(EgressFailure(host: host, port: port, url: url, kind: .upstream(reason: reason), sequence: 0))
                        if isTunnel { try? await outbound.write(Self.answer(502, "the proxy failed: \(error)")) }
                        ready.resolve(false)
                        outbound.finish()
                        return
                    }
                    if isTunnel {
                        try await outbound.write(ByteBuffer(string: "HTTP/1.1 200 Connection Established\r\n\r\n"))
                    } else {
                        // Through an HTTP proxy the absolute URL stays; straight or through a SOCKS tunnel
                        // the server gets the path.
                        let throughHTTPProxy = via?.speaksHTTP == true
                        try await upOutbound.write(ByteBuffer(bytes: head.originRequest(
                            keepingAbsoluteTarget: throughHTTPProxy,
                            proxyAuthorization: throughHTTPProxy ? via.flatMap(UpstreamHandshake.basicAuthorization) : nil)))
                    }
                    ready.resolve(true)
                    if handshake.leftover.readableBytes > 0 { try await outbound.write(handshake.leftover) }
                    while let chunk = try await handshake.iterator.next() { try await outbound.write(chunk) }
                    // The destination is done: so is the exchange. Closing our side *after* what is still
                    // queued for the browser has gone (a full close would drop it: a large body lost its tail).
                    outbound.finish()
                }
                guard await ready.wait() == true else {
                    try await group.waitForAll()
                    return
                }
                if early.readableBytes > 0 { try await upOutbound.write(early) }
                while let chunk = try await iterator.next() { try await upOutbound.write(chunk) }
                upOutbound.finish()
                try await group.waitForAll()
            }
        }
    }

    /// Answers and ends the connection: the answer, then our side closed, then what the browser still
    /// sends is read and dropped for up to two seconds (closing with unread bytes would reset the
    /// connection and lose the answer).
    static func refuse(
        _ answer: ByteBuffer, _ iterator: inout NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator,
        _ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, on client: NIOAsyncChannel<ByteBuffer, ByteBuffer>
    ) async throws {
        try await outbound.write(answer)
        outbound.finish()
        let timer = client.channel.eventLoop.scheduleTask(in: .seconds(2)) { client.channel.close(promise: nil) }
        defer { timer.cancel() }
        while try await iterator.next() != nil {}
    }

    /// A short plain-text answer that ends the connection.
    static func answer(_ status: Int, _ text: String) -> ByteBuffer {
        let reason = [400: "Bad Request", 403: "Forbidden", 431: "Request Header Fields Too Large", 502: "Bad Gateway"][status] ?? "Error"
        let body = text + "\n"
        return ByteBuffer(string: "HTTP/1.1 \(status) \(reason)\r\nContent-Type: text/plain; charset=utf-8\r\n"
            + "X-Tidepool-Egress: refused\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body)
    }
}

extension EgressFailure.Kind {
    var isRefusal: Bool {
        if case .refused = self { true } else { false }
    }
}
