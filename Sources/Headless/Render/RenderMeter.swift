import Synchronization

/// What one render spends, filled in as it runs and read once it ended (whether it succeeded or
/// not): the time its browser context was leased (from the lease to the context's disposal, every
/// attempt of a render retried after a crash included) and the bytes its page's network events
/// reported. A render that never got a context has `leased == false`.
public final class RenderMeter: Sendable {
    private struct State {
        var leases = 0
        var leaseStartedAt: ContinuousClock.Instant?
        var browserTime = Duration.zero
        var bytesIn = 0
        var bytesOut = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Whether the render got a browser context at all.
    public var leased: Bool { state.withLock { $0.leases > 0 } }

    /// Time its contexts were leased, summed over its attempts.
    public var browserTime: Duration { state.withLock { $0.browserTime } }

    /// Bytes received (encoded, as on the wire) and sent by its pages' requests.
    public var bytes: (received: Int, sent: Int) { state.withLock { ($0.bytesIn, $0.bytesOut) } }

    /// A context was lent to the render now.
    func leaseBegan(at instant: ContinuousClock.Instant = .now) {
        state.withLock {
            $0.leases += 1
            // A render run again in a fresh context (a recycled one failed its gate) is charged from
            // its first lease.
            if $0.leaseStartedAt == nil { $0.leaseStartedAt = instant }
        }
    }

    /// The context lent last was disposed of (or handed back) now; nothing when none was lent.
    func leaseEnded(at instant: ContinuousClock.Instant = .now) {
        state.withLock { s in
            guard let start = s.leaseStartedAt else { return }
            s.browserTime += instant - start
            s.leaseStartedAt = nil
        }
    }

    func addBytes(received: Int, sent: Int) {
        state.withLock {
            $0.bytesIn += received
            $0.bytesOut += sent
        }
    }
}
