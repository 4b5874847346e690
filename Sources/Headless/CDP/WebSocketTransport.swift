import AsyncSupport
public import Foundation
public import Logging
import NIOCore
import NIOPosix
import NIOWebSocket
import Synchronization
import WSClient

/// CDP over WebSocket, for a browser someone else runs (`ws://host:port/devtools/browser/<id>`).
/// Closing it leaves that browser running. Chromium refuses the `Origin: ws://<host>` header that
/// WSClient sends unless the browser was started with `--remote-allow-origins` naming it (or `*`).
public final class WebSocketTransport: CDPTransport {
    /// Connection limits; defaults in the initializer.
    public struct Configuration: Sendable {
        /// Largest inbound message (and frame): CDP replies with HTML or screenshots are megabytes.
        public var maxMessageBytes: Int
        /// Time allowed for TCP connect + WebSocket upgrade.
        public var connectTimeout: Duration
        /// Time allowed for the closing handshake.
        public var closeTimeout: Duration

        public init(
            maxMessageBytes: Int = 256 << 20,
            connectTimeout: Duration = .seconds(10),
            closeTimeout: Duration = .seconds(2)
        ) {
            self.maxMessageBytes = maxMessageBytes
            self.connectTimeout = connectTimeout
            self.closeTimeout = closeTimeout
        }
    }

    /// Why a WebSocket could not be opened.
    public struct ConnectError: Error, Sendable, CustomStringConvertible {
        public let url: String
        public let reason: String
        public var description: String { "WebSocket \(url): \(reason)" }
    }

    private let inbox: TransportInbox
    private let outbound: AsyncStream<Data>.Continuation
    private let task: Task<Void, Never>
    private let closeTimeout: Duration

    /// Opens the socket and completes the upgrade, or throws `ConnectError`.
    public static func connect(
        url: String,
        configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "tidepool.cdp.websocket")
    ) async throws(ConnectError) -> WebSocketTransport {
        let inbox = TransportInbox()
        let (outboundStream, outbound) = AsyncStream<Data>.makeStream()
        let upgraded = AsyncLatch<String?>()  // nil: connected; text: why not
        let clientConfiguration = WebSocketClientConfiguration(
            maxFrameSize: configuration.maxMessageBytes,
            closeTimeout: configuration.closeTimeout)
        let maxMessageBytes = configuration.maxMessageBytes
        let task = Task {
            do {
                try await WebSocketClient.connect(url: url, configuration: clientConfiguration, logger: logger) {
                    inbound, writer, _ in
                    upgraded.resolve(nil)
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for await message in outboundStream {
                                try await writer.writeTextMessage(String(decoding: message, as: UTF8.self))
                            }
                            try? await writer.close(.normalClosure, reason: nil)
                        }
                        for try await message in inbound.messages(maxSize: maxMessageBytes) {
                            switch message {
                            case .text(let text): inbox.deliver(Data(text.utf8))
                            case .binary(let buffer): inbox.deliver(Data(buffer.readableBytesView))
                            }
                        }
                        group.cancelAll()
                    }
                }
                upgraded.resolve("the server declined the WebSocket upgrade")
                inbox.close(reason: "WebSocket closed")
            } catch {
                upgraded.resolve("\(error)")
                inbox.close(reason: "WebSocket failed: \(error)")
            }
        }
        let outcome = await upgraded.wait(timeout: configuration.connectTimeout)
        switch outcome {
        case .some(.none):
            return WebSocketTransport(
                inbox: inbox, outbound: outbound, task: task, closeTimeout: configuration.closeTimeout)
        case .some(.some(let reason)):
            outbound.finish()
            task.cancel()
            throw ConnectError(url: url, reason: reason)
        case .none:
            outbound.finish()
            task.cancel()
            throw ConnectError(url: url, reason: "no upgrade within \(configuration.connectTimeout.wholeMilliseconds) ms")
        }
    }

    private init(
        inbox: TransportInbox, outbound: AsyncStream<Data>.Continuation, task: Task<Void, Never>, closeTimeout: Duration
    ) {
        self.inbox = inbox
        self.outbound = outbound
        self.task = task
        self.closeTimeout = closeTimeout
    }

    public func start(_ receiver: any CDPTransportReceiver) {
        inbox.start(receiver)
    }

    public func send(_ message: Data) {
        outbound.yield(message)
    }

    public func close() async {
        inbox.close(reason: "closed by this side")
        outbound.finish()
        let finished = AsyncLatch<Void>()
        let task = self.task
        Task {
            await task.value
            finished.resolve(())
        }
        if await finished.wait(timeout: closeTimeout) == nil { task.cancel() }
    }
}
