import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOHTTP1

/// The server's connections with an idle deadline from their first moment. Hummingbird's
/// WebSocket-upgrade channel (`HTTP1WebSocketUpgradeChannel`) puts its idle timeout in place only
/// once a first request's head decided against an upgrade, so a connection that says nothing, or
/// stops half-way through its first head, would stay open for good: until that decision this closes
/// a connection silent for `timeout`, then steps aside (the HTTP idle timeout, or the WebSocket's
/// pings, take over).
struct SilentConnectionGuard: ServerChildChannel {
    let base: HTTP1WebSocketUpgradeChannel
    let timeout: TimeAmount

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<HTTP1WebSocketUpgradeChannel.Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(FirstHeadDeadline(timeout: timeout), position: .first)
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: HTTP1WebSocketUpgradeChannel.Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

/// Closes its channel after `timeout` without a byte while the first request's head is still
/// awaited (the upgrade handler is in the pipeline); removes itself once it is not.
final class FirstHeadDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    typealias UpgradeHandler = NIOTypedHTTPServerUpgradeHandler<HTTP1WebSocketUpgradeChannel.UpgradeResult>

    private let timeout: TimeAmount
    private var timer: NIOScheduledCallback?
    private var done = false

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Passed on first: a handler removed from the pipeline no longer forwards anything.
        context.fireChannelRead(data)
        guard !done else { return }
        if Self.headDecided(context) {
            stepAside(context)
        } else {
            timer?.cancel()
            timer = nil
            arm(context)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    /// Whether the first head was decided on (the upgrade handler removes itself then).
    static func headDecided(_ context: ChannelHandlerContext) -> Bool {
        (try? context.pipeline.syncOperations.handler(type: UpgradeHandler.self)) == nil
    }

    private func stepAside(_ context: ChannelHandlerContext) {
        done = true
        timer?.cancel()
        timer = nil
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    private func arm(_ context: ChannelHandlerContext) {
        guard timer == nil, !done else { return }
        timer = try? context.eventLoop.assumeIsolated().scheduleCallback(in: timeout, handler: Expired(context: context, handler: self))
    }

    /// The deadline passed: close the connection if its first head is still awaited, else step aside.
    private struct Expired: NIOScheduledCallbackHandler {
        let context: ChannelHandlerContext
        let handler: FirstHeadDeadline
        func handleScheduledCallback(eventLoop: some EventLoop) {
            handler.timer = nil
            guard !handler.done else { return }
            if FirstHeadDeadline.headDecided(context) {
                handler.stepAside(context)
            } else {
                context.close(promise: nil)
            }
        }
    }
}
