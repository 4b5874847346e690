import Synchronization

/// What a live view counts while it runs (`live.status` shows them).
final class LiveCounters: Sendable {
    let frames = Atomic<Int>(0)
    let frameBytes = Atomic<Int>(0)
    let relayed = Atomic<Int>(0)
    let dropped = Atomic<Int>(0)
    /// When the write of a message to the viewer began (Unix ms; 0 while none is pending).
    let writingSinceMs = Atomic<Int64>(0)
}
