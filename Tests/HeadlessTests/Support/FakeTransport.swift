import Foundation
@testable import Headless
import RenderTypes
import Synchronization

/// A CDP transport for unit tests of the connection: records what is sent, lets the test play the
/// browser (replies, events, close). Never used where Chromium's behaviour is under test.
final class FakeTransport: CDPTransport {
    private let receiver = Mutex<(any CDPTransportReceiver)?>(nil)
    private let sentContinuation: AsyncStream<JSONValue>.Continuation
    /// Every message the connection sent, parsed.
    let sent: AsyncStream<JSONValue>

    init() {
        (sent, sentContinuation) = AsyncStream<JSONValue>.makeStream()
    }

    func start(_ receiver: any CDPTransportReceiver) {
        self.receiver.withLock { $0 = receiver }
    }

    func send(_ message: Data) {
        sentContinuation.yield((try? JSONValue(parsing: message)) ?? .null)
    }

    func close() async {
        deliverClose("closed by this side")
    }

    /// Plays an inbound message.
    func deliver(_ message: JSONValue) {
        let receiver = self.receiver.withLock { $0 }
        receiver?.transportDidReceive(try! message.jsonData())
    }

    func reply(to id: Int, result: JSONValue = [:], sessionId: String? = nil) {
        var message: [String: JSONValue] = ["id": .int(id), "result": result]
        if let sessionId { message["sessionId"] = .string(sessionId) }
        deliver(.object(message))
    }

    func emit(_ method: String, params: JSONValue = [:], sessionId: String? = nil) {
        var message: [String: JSONValue] = ["method": .string(method), "params": params]
        if let sessionId { message["sessionId"] = .string(sessionId) }
        deliver(.object(message))
    }

    func deliverClose(_ reason: String) {
        let receiver = self.receiver.withLock { $0 }
        receiver?.transportDidClose(reason: reason)
    }
}

extension AsyncStream {
    /// The next element (test helper).
    func nextElement() async -> Element? {
        var iterator = makeAsyncIterator()
        return await iterator.next()
    }
}
