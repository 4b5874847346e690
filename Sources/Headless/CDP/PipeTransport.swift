public import Foundation
public import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// CDP over `--remote-debugging-pipe`: we write NUL-terminated JSON to the browser's fd 3 and read
/// its fd 4. Closing our end makes the browser exit on its own, its whole process tree included.
public final class PipeTransport: CDPTransport {
    private let channel: any Channel
    private let inbox: TransportInbox

    /// Takes ownership of both descriptors (they are closed when the transport closes, also when this
    /// throws). `maxMessageBytes` bounds one inbound message.
    public static func open(
        readingFrom input: CInt,
        writingTo output: CInt,
        maxMessageBytes: Int,
        eventLoopGroup: (any EventLoopGroup)? = nil
    ) async throws -> PipeTransport {
        let inbox = TransportInbox()
        let channel: any Channel
        do {
            channel = try await NIOPipeBootstrap(group: eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let handlers = channel.pipeline.syncOperations
                        try handlers.addHandler(
                            ByteToMessageHandler(NULFrameDecoder(maxFrameBytes: maxMessageBytes)))
                        try handlers.addHandler(PipeInboundHandler(inbox: inbox))
                    }
                }
                .takingOwnershipOfDescriptors(input: input, output: output)
                .get()
        } catch {
            _ = Glibc.close(input)
            _ = Glibc.close(output)
            throw error
        }
        return PipeTransport(channel: channel, inbox: inbox)
    }

    private init(channel: any Channel, inbox: TransportInbox) {
        self.channel = channel
        self.inbox = inbox
    }

    /// The pipe channel's event loop (reads, writes and the connection's timers).
    public var eventLoop: (any EventLoop)? { channel.eventLoop }

    public func start(_ receiver: any CDPTransportReceiver) {
        inbox.start(receiver)
    }

    public func send(_ message: Data) {
        var buffer = channel.allocator.buffer(capacity: message.count + 1)
        buffer.writeBytes(message)
        buffer.writeInteger(UInt8(0))
        channel.writeAndFlush(buffer, promise: nil)
    }

    public func close() async {
        inbox.close(reason: "closed by this side")
        try? await channel.close()
    }
}

/// Turns decoded frames into messages for the inbox and reports EOF / errors as the close reason.
private final class PipeInboundHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let inbox: TransportInbox

    init(inbox: TransportInbox) {
        self.inbox = inbox
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        inbox.deliver(Data(frame.readableBytesView))
    }

    func channelInactive(context: ChannelHandlerContext) {
        inbox.close(reason: "browser pipe closed (the browser exited or was killed)")
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        inbox.close(reason: "browser pipe failed: \(error)")
        context.close(promise: nil)
    }
}
