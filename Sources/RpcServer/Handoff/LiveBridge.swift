import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import Rendering
import RenderTypes

/// The viewer's side of `live.create`: `GET /live/{token}` serves the viewer page
/// (`LiveViewerPage`), whose script opens `/live/{token}/ws`; that WebSocket claims the view (the
/// token is single-use) and carries frames to the page and the viewer's input back. The token is the
/// credential (no API key in a URL).
enum LiveBridge {
    /// The token of a `/live/{token}/ws` path (query ignored), when it has that shape.
    static func token(inPath path: String?) -> Substring? {
        guard let path else { return nil }
        let bare = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let parts = bare.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count == 3, parts[0] == "live", parts[2] == "ws", HandoffToken.isWellFormed(parts[1]) else { return nil }
        return parts[1]
    }

    /// Whether an upgrade request is for a running, unclaimed live view; if so it is claimed and the
    /// WebSocket streams the view.
    static func shouldUpgrade(_ request: HTTPRequest, channel: any Channel, renders: RenderService?, logger: Logger)
        -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>>
    {
        guard let renders, let token = token(inPath: request.path),
            let view = renders.liveView(tokenHash: HandoffToken.hash(String(token))), view.claim()
        else { return .dontUpgrade }
        logger.info("live viewer connected", metadata: ["session_id": "\(view.sessionID)", "live_id": "\(view.id)"])
        return .upgrade([:]) { inbound, outbound, _ in
            await withTaskGroup(of: Void.self) { group in
                // Page → viewer until the view ends; then the close.
                group.addTask {
                    await withTaskGroup(of: Void.self) { closing in
                        closing.addTask {
                            await view.stream { text in try await outbound.write(.text(text)) }
                            try? await outbound.close(.normalClosure, reason: "live view ended")
                        }
                        // A viewer that stopped reading takes neither the view's last message nor the close
                        // frame (nor the library's own close or ping after them): once the view has ended,
                        // its connection is cut after `closeGrace` instead of staying open until TCP gives
                        // up. Closing the channel fails the writes waiting on it.
                        closing.addTask {
                            _ = await view.ended()
                            try? await Task.sleep(for: closeGrace)
                            if !Task.isCancelled { channel.close(promise: nil) }
                        }
                        await closing.next()
                        closing.cancelAll()
                    }
                }
                // Viewer → page, in order.
                group.addTask {
                    do {
                        for try await message in inbound.messages(maxSize: LiveView.maxViewerMessage) {
                            guard case .text(let text) = message, let json = try? JSONValue(parsing: Data(text.utf8)),
                                let input = LiveInput(json)
                            else { continue }
                            await view.handle(input)
                        }
                    } catch {
                        logger.debug("live viewer's connection failed", metadata: ["live_id": "\(view.id)", "error": "\(error)"])
                    }
                    view.end(.viewerLeft)
                }
            }
        }
    }

    /// How long a viewer has to take the view's last message and the close frame once the view ended,
    /// before its connection is cut.
    static let closeGrace: Duration = .seconds(5)

    /// Registers `GET /live/{token}` (the viewer page) and `/live/{token}/ws` without an upgrade.
    static func addRoutes(to router: Router<BasicRequestContext>, renders: RenderService?) {
        router.get("/live/{token}") { _, context -> Response in
            _ = try unclaimed(context.parameters.get("token"), renders: renders)
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                    // The page loads nothing from anywhere: its script and style are inline, its only
                    // connection is its own WebSocket.
                    HTTPField.Name("Content-Security-Policy")!:
                        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'",
                    HTTPField.Name("Referrer-Policy")!: "no-referrer",
                    HTTPField.Name("X-Frame-Options")!: "DENY",
                ],
                body: .init(byteBuffer: ByteBuffer(string: LiveViewerPage.html)))
        }
        router.get("/live/{token}/ws") { _, context -> Response in
            _ = try unclaimed(context.parameters.get("token"), renders: renders)
            throw HTTPError(.upgradeRequired, message: "the live view's page connects here with a WebSocket")
        }
    }

    /// The running, unclaimed view of `token`; 404 for an unknown or ended one, 410 once a viewer claimed it.
    private static func unclaimed(_ token: String?, renders: RenderService?) throws -> LiveView {
        guard let renders, let token, HandoffToken.isWellFormed(token[...]), let view = renders.liveView(tokenHash: HandoffToken.hash(token))
        else { throw HTTPError(.notFound, message: "no live view has this link: it is wrong, revoked or ended") }
        guard !view.isClaimed else {
            throw HTTPError(.gone, message: "this live view link was opened already (it is single-use): ask live.create for another")
        }
        return view
    }
}
