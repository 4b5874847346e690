/// The events of one CDP session (or of the browser), in arrival order. It ends when the connection
/// closes; dropping it (or cancelling the iterating task) unsubscribes. The buffer is bounded
/// (`CDPConnection.Configuration.eventBufferSize`): when a consumer falls that far behind, the oldest
/// unread events are dropped and a warning is logged.
public struct CDPEventStream: AsyncSequence, Sendable {
    public typealias Element = CDPEvent
    public typealias Failure = Never

    let base: AsyncStream<CDPEvent>

    init(_ base: AsyncStream<CDPEvent>) {
        self.base = base
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncStream<CDPEvent>.AsyncIterator

        public mutating func next() async -> CDPEvent? {
            await base.next()
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async -> CDPEvent? {
            await base.next(isolation: actor)
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator())
    }

    /// The first event with the given method, or nil when the stream ends first.
    public func first(method: String) async -> CDPEvent? {
        for await event in self where event.method == method {
            return event
        }
        return nil
    }
}
