import Foundation
import Headless
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import Rendering
import RenderTypes
import Synchronization

/// The WebSocket side of `session.connect`: `GET /cdp/{token}` upgraded to a WebSocket is bridged
/// to the hand-off's browser (through its pipe: no debugging port is ever opened), and
/// `GET /cdp/{token}/json/version` answers as Chromium's does, naming the WebSocket, so both ways
/// Playwright and Puppeteer connect work. The token is the credential (no API key in a URL); one
/// client per token.
enum CDPBridge {
    /// The largest message a client may send (a full-page screenshot goes the other way, unbounded
    /// but fragmented); frames are at most `maxFrameSize`.
    static let maxClientMessage = 64 << 20
    static let maxFrameSize = 1 << 20
    /// Bytes the client may leave unread before it is disconnected (its hand-off then ends).
    static let maxUnsent = 256 << 20

    /// The token of a `/cdp/{token}` path (query ignored), when it has that shape.
    static func token(inPath path: String?) -> Substring? {
        guard let path else { return nil }
        let bare = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let parts = bare.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0] == "cdp", HandoffToken.isWellFormed(parts[1]) else { return nil }
        return parts[1]
    }

    /// Whether an upgrade request is for a live, unclaimed hand-off; if so it is claimed and the
    /// WebSocket is bridged to it.
    static func shouldUpgrade(_ request: HTTPRequest, renders: RenderService?, logger: Logger)
        -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>>
    {
        guard let renders, let token = token(inPath: request.path),
            let handoff = renders.cdpHandoff(tokenHash: HandoffToken.hash(String(token)))
        else { return .dontUpgrade }
        let (stream, continuation) = AsyncStream<Data>.makeStream()
        let unsent = UnsentBytes()
        guard
            let channel = handoff.claim(deliver: { message in
                if unsent.bytes.add(message.count, ordering: .relaxed).newValue > maxUnsent {
                    handoff.end(.connectionFailed("the client read too slowly (over \(maxUnsent >> 20) MiB unread)"))
                    return
                }
                continuation.yield(message)
            })
        else { return .dontUpgrade }
        logger.info("CDP client connected", metadata: ["session_id": "\(handoff.sessionID)"])
        return .upgrade([:]) { inbound, outbound, _ in
            await withTaskGroup(of: Void.self) { group in
                // The hand-off's end (client gone, Browser.close, ttl, revoke, session deleted) ends the stream.
                group.addTask {
                    let reason = await handoff.ended()
                    channel.close()
                    continuation.finish()
                    logger.info("CDP client's hand-off ended", metadata: ["session_id": "\(handoff.sessionID)", "reason": "\(reason)"])
                }
                // Browser → client, in order; then the close.
                group.addTask {
                    for await message in stream {
                        unsent.bytes.subtract(message.count, ordering: .relaxed)
                        do {
                            try await outbound.write(.text(String(decoding: message, as: UTF8.self)))
                        } catch {
                            handoff.end(.connectionFailed("\(error)"))
                        }
                    }
                    try? await outbound.close(.normalClosure, reason: "hand-off ended")
                }
                // Client → browser.
                group.addTask {
                    do {
                        for try await message in inbound.messages(maxSize: maxClientMessage) {
                            let data: Data
                            switch message {
                            case .text(let text): data = Data(text.utf8)
                            case .binary(let buffer): data = Data(buffer.readableBytesView)
                            }
                            handoff.countFromClient(bytes: data.count)
                            switch channel.send(data) {
                            case .forwarded:
                                break
                            case .answered(let reply):
                                continuation.yield(reply)
                            case .browserClose(let reply):
                                continuation.yield(reply)
                                handoff.end(.browserClose)
                            }
                        }
                        handoff.end(.clientLeft)
                    } catch {
                        // A client that exits closes its socket without a close frame (Playwright's
                        // driver does at times): reading then fails, and the client has left all the same.
                        logger.debug("CDP client's connection ended without a close", metadata: ["error": "\(error)"])
                        handoff.end(.clientLeft)
                    }
                }
            }
        }
    }

    /// Registers `GET /cdp/{token}` (an upgrade is expected) and its `/json/version`.
    static func addRoutes(to router: Router<BasicRequestContext>, renders: RenderService?, advertiseURL: @escaping @Sendable () -> String?) {
        let version: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, context in
            let token = context.parameters.get("token") ?? ""
            guard let renders, HandoffToken.isWellFormed(token[...]),
                let handoff = renders.cdpHandoff(tokenHash: HandoffToken.hash(token))
            else { throw HTTPError(.notFound, message: "no CDP hand-off has this token: it is wrong, used up or ended") }
            guard !handoff.isClaimed else {
                throw HTTPError(.gone, message: "a client is connected with this token already: ask session.connect for another")
            }
            let origin = advertiseURL().map { ConnectMethods.webSocketBase(of: $0) } ?? RequestOrigin(request.head)?.webSocketBase
            let info = handoff.version
            let body: JSONValue = [
                "Browser": .string(info.product), "Protocol-Version": .string(info.protocolVersion),
                "User-Agent": .string(info.userAgent), "V8-Version": .string(info.jsVersion),
                "WebKit-Version": .string(info.revision),
                "webSocketDebuggerUrl": .string("\(origin ?? "ws://127.0.0.1")/cdp/\(token)"),
            ]
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: (try? body.jsonData()) ?? Data("{}".utf8))))
        }
        router.get("/cdp/{token}/json/version", use: version)
        router.get("/cdp/{token}") { _, context -> Response in
            let token = context.parameters.get("token") ?? ""
            guard let renders, HandoffToken.isWellFormed(token[...]), let handoff = renders.cdpHandoff(tokenHash: HandoffToken.hash(token))
            else { throw HTTPError(.notFound, message: "no CDP hand-off has this token: it is wrong, used up or ended") }
            guard !handoff.isClaimed else {
                throw HTTPError(.gone, message: "a client is connected with this token already: ask session.connect for another")
            }
            throw HTTPError(
                .upgradeRequired,
                message: "connect a CDP client with a WebSocket to this URL (or give its /json/version to connect_over_cdp); "
                    + "the token is single-use and ends with its hand-off")
        }
    }
}

/// Bytes delivered to a CDP client's bridge and not yet written to its WebSocket.
private final class UnsentBytes: Sendable {
    let bytes = Atomic<Int>(0)
}
