public import RenderTypes

/// The seam where the browser pool (Headless) plugs into /health, `health` and /metrics.
///
/// Until a pool is given to the server, health reports `"pool": null` and judges health by the
/// session store alone; no pool figure is ever made up.
public protocol PoolHealthSource: Sendable {
    /// Whether the pool can serve a render now, and the figures to show under `pool`.
    func poolHealth() async -> PoolHealth
}

/// What the pool says about itself.
public struct PoolHealth: Sendable, Hashable {
    /// Whether at least one browser can take a lease.
    public var canServe: Bool
    /// The figures shown under `pool` (browsers, contexts, queue length…).
    public var summary: JSONValue

    public init(canServe: Bool, summary: JSONValue) {
        self.canServe = canServe
        self.summary = summary
    }
}
