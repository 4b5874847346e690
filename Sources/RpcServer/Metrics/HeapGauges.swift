import CMallocStats
public import CoreMetrics

/// The server process's heap as its allocator (glibc's malloc) counts it, read at each scrape of
/// /metrics: `tidepool_process_heap_in_use_bytes` is what live allocations hold (small blocks in
/// every arena and large mmapped ones), `tidepool_process_heap_free_bytes` what the allocator keeps
/// free in its arenas without giving it back to the system.
///
/// RSS alone cannot tell a leak from the allocator's arenas: after a few 10 MB response bodies the
/// arenas keep tens of MB free for minutes (the soak saw the server's anonymous memory stand on
/// 31, 45, 51 and 71 MB plateaus and fall back to 31 MB, with nothing leaked). Heap in use moves
/// only with what the process holds.
public struct HeapGauges: Sendable {
    private let inUse, free: Gauge

    /// The gauges, created through `factory`.
    public init(factory: any MetricsFactory) {
        inUse = Gauge(label: "tidepool_process_heap_in_use_bytes", factory: factory)
        free = Gauge(label: "tidepool_process_heap_free_bytes", factory: factory)
    }

    /// Records the allocator's figures now (nothing where glibc is not the allocator).
    public func update() {
        guard let figures = Self.read() else { return }
        inUse.record(figures.inUse)
        free.record(figures.free)
    }

    /// Bytes held by live allocations and bytes kept free in the arenas, from `mallinfo2` (which
    /// walks every arena under its lock: cheap at a scrape's rate, not meant for a hot path).
    static func read() -> (inUse: Int, free: Int)? {
        guard tidepool_malloc_stats_available() != 0 else { return nil }
        let stats = tidepool_malloc_stats_now()
        return (inUse: Int(stats.in_use), free: Int(stats.free))
    }
}
