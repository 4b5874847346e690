public import Foundation
public import NIOCore

/// Moves whole CDP messages (one JSON object each) between us and a browser. Two conformers: the pipe
/// (`--remote-debugging-pipe`, for browsers we launch) and WebSocket (for a browser someone else runs).
public protocol CDPTransport: Sendable {
    /// Starts delivering inbound messages to `receiver`, in order, then exactly one close notice.
    /// Called once, by the connection that owns the transport.
    func start(_ receiver: any CDPTransportReceiver)
    /// Queues one outbound message. Never blocks; after the transport closed, the message is dropped
    /// (the receiver has been or will be told about the close).
    func send(_ message: Data)
    /// Closes the transport; the receiver gets its close notice (if it has not already).
    func close() async
    /// The event loop that reads and writes, if the transport has one: the connection schedules its
    /// command timers there, so arming and cancelling them never crosses threads.
    var eventLoop: (any EventLoop)? { get }
}

extension CDPTransport {
    public var eventLoop: (any EventLoop)? { nil }
}

/// What a transport reports to (the connection).
public protocol CDPTransportReceiver: AnyObject, Sendable {
    /// One complete inbound message.
    func transportDidReceive(_ message: Data)
    /// The transport ended; no more messages follow.
    func transportDidClose(reason: String)
}
