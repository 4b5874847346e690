import Foundation
import Synchronization

/// Hands a transport's inbound messages to its receiver: buffers (boundedly) what arrives before
/// `start`, keeps order, and reports the close exactly once. Shared by both transports.
final class TransportInbox: Sendable {
    private struct State {
        var receiver: (any CDPTransportReceiver)?
        var early: [Data] = []
        var earlyBytes = 0
        var closeReason: String?
        var closeDelivered = false
    }

    private let state = Mutex(State())
    private let maxEarlyBytes: Int

    init(maxEarlyBytes: Int = 1 << 20) {
        self.maxEarlyBytes = maxEarlyBytes
    }

    var isClosed: Bool { state.withLock { $0.closeReason != nil } }

    /// Attaches the receiver and flushes what arrived before (under the lock, so nothing overtakes it).
    func start(_ receiver: any CDPTransportReceiver) {
        state.withLock { state in
            precondition(state.receiver == nil, "a CDP transport can be started only once")
            state.receiver = receiver
            for message in state.early {
                receiver.transportDidReceive(message)
            }
            state.early = []
            state.earlyBytes = 0
            if let reason = state.closeReason, !state.closeDelivered {
                state.closeDelivered = true
                receiver.transportDidClose(reason: reason)
            }
        }
    }

    /// Delivers one message (called from the transport's single reading context).
    func deliver(_ message: Data) {
        let receiver: (any CDPTransportReceiver)? = state.withLock { state in
            if state.closeReason != nil { return nil }
            if let receiver = state.receiver { return receiver }
            if state.earlyBytes + message.count <= maxEarlyBytes {
                state.early.append(message)
                state.earlyBytes += message.count
            }
            return nil
        }
        receiver?.transportDidReceive(message)
    }

    /// Records the close; the first reason wins.
    func close(reason: String) {
        let delivery: (receiver: any CDPTransportReceiver, reason: String)? = state.withLock { state in
            if state.closeReason == nil { state.closeReason = reason }
            guard let receiver = state.receiver, !state.closeDelivered else { return nil }
            state.closeDelivered = true
            return (receiver, state.closeReason ?? reason)
        }
        if let delivery { delivery.receiver.transportDidClose(reason: delivery.reason) }
    }
}
