public import RenderTypes

/// A snapshot of the pool for /health, /metrics and `pool.stats`: the shared wire shape of
/// RenderTypes, so server and client read one definition. The pool fills every field but the render
/// path's `profileBrowsers` and `warmSessions` (left empty here; the server adds them). A browser's
/// `id` is its `BrowserID.rawValue`.
public typealias PoolStats = BrowserPoolStats
