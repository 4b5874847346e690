import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// Reads a browser's stderr to EOF, keeping only the last `limit` bytes (for launch error messages)
/// and logging each line at trace level.
final class StderrTail: Sendable {
    private let buffer = Mutex<[UInt8]>([])
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// Takes ownership of `fd` (closed at EOF). On failure the descriptor is closed and nothing is kept.
    func start(reading fd: CInt, logger: Logger) async {
        do {
            _ = try await NIOPipeBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(StderrHandler(tail: self, logger: logger))
                    }
                }
                .takingOwnershipOfDescriptor(input: fd)
                .get()
        } catch {
            _ = close(fd)
            logger.debug("browser stderr not captured", metadata: ["error": "\(error)"])
        }
    }

    func append(_ bytes: ByteBufferView) {
        buffer.withLock { buffer in
            buffer.append(contentsOf: bytes)
            if buffer.count > limit { buffer.removeFirst(buffer.count - limit) }
        }
    }

    /// The kept tail as text.
    var text: String { buffer.withLock { String(decoding: $0, as: UTF8.self) } }
}

private final class StderrHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let tail: StderrTail
    private let logger: Logger

    init(tail: StderrTail, logger: Logger) {
        self.tail = tail
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        tail.append(bytes.readableBytesView)
        if logger.logLevel <= .trace {
            for line in String(buffer: bytes).split(separator: "\n") {
                logger.trace("chromium stderr", metadata: ["line": "\(line)"])
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
