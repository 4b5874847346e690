public import Foundation
public import RenderTypes

/// One session, as the client keeps it and the server stores it: identity, lifetime, counters,
/// metadata and (server side) the browser state carried between calls. A value type: the store
/// changes it atomically; a copy handed out is a snapshot.
///
/// Methods that depend on time take the instant from the caller (the store passes its clock's
/// now), so behaviour is deterministic under a manual clock. Fields are ordered so the small ones
/// pack behind the id: a session with empty collections is 176 bytes inline.
public struct RpcSessionContext: Sendable, Hashable {
    /// The session's id.
    public let sessionId: SessionID
    /// Where the session stood when the store last handed it out.
    public var state: SessionState
    /// Whether the server keeps the session's browser context open between calls.
    public var keepWarm: Bool
    /// Wall-clock instant of creation.
    public var createdAt: Date
    /// Wall-clock instant of the last successful access.
    public var lastAccessed: Date
    /// The instant from which the session is expired (never served again).
    public var expiresAt: Date
    /// Requests counted against `config.maxRequests`.
    public var requestCount: Int
    /// Requests whose render time was recorded (the denominator of `avgRenderTimeMs`).
    public var renderCount: Int
    /// Sum of recorded render times, in milliseconds.
    public var totalRenderTimeMs: Double
    /// Errors recorded with `recordError`.
    public var errorCount: Int
    /// Caller-defined data (bounded by `SessionLimits`).
    public var metadata: [String: JSONValue]
    /// The session's cookie jar (server side).
    public var cookies: [Cookie]
    /// localStorage by origin, then key (server side).
    public var localStorage: [String: [String: String]]
    /// URL of the last recorded request.
    public var lastUrl: String?
    /// Message of the last recorded error.
    public var lastError: String?
    /// Name of the on-disk Chromium profile the session renders with (server side).
    public var profile: String?
    /// TTL, renewal and request-limit policy.
    public var config: SessionConfig

    /// Longest `lastUrl` and `lastError` kept, in characters; longer ones are truncated.
    public static let maxRecordedTextLength = 2048

    /// A new session created at `now`, expiring `config.ttl` later.
    public init(
        sessionId: SessionID, config: SessionConfig = SessionConfig(), now: Date,
        metadata: [String: JSONValue] = [:], profile: String? = nil, keepWarm: Bool = false
    ) {
        self.sessionId = sessionId
        self.state = .active
        self.keepWarm = keepWarm
        self.createdAt = now
        self.lastAccessed = now
        self.expiresAt = now.addingTimeInterval(config.ttl)
        self.requestCount = 0
        self.renderCount = 0
        self.totalRenderTimeMs = 0
        self.errorCount = 0
        self.metadata = metadata
        self.cookies = []
        self.localStorage = [:]
        self.lastUrl = nil
        self.lastError = nil
        self.profile = profile
        self.config = config
    }

    /// Whether the session is expired at `now` (expiry is inclusive: at `expiresAt` it is gone).
    @inlinable
    public func isExpired(at now: Date) -> Bool {
        now >= expiresAt
    }

    /// Whether the session counted `maxRequests` requests already (never, when unlimited).
    @inlinable
    public var isRequestLimitReached: Bool {
        config.maxRequests > 0 && requestCount >= config.maxRequests
    }

    /// The session's state at `now`.
    public func currentState(at now: Date) -> SessionState {
        if isExpired(at: now) { return .expired }
        return isRequestLimitReached ? .limitReached : .active
    }

    /// Records an access at `now`: moves `lastAccessed`, and `expiresAt` too with auto-renew.
    @inlinable
    public mutating func touch(at now: Date) {
        lastAccessed = now
        if config.autoRenew {
            expiresAt = now.addingTimeInterval(config.ttl)
        }
    }

    /// Counts one request, records its URL and render time (if metrics are tracked) and touches.
    @inlinable
    public mutating func recordRequest(url: String?, renderTimeMs: Double, at now: Date) {
        requestCount += 1
        recordRender(url: url, renderTimeMs: renderTimeMs)
        touch(at: now)
    }

    /// Records the URL and render time of a request counted earlier (by `beginRequest`).
    @inlinable
    public mutating func recordRender(url: String?, renderTimeMs: Double) {
        if let url { lastUrl = Self.bounded(url) }
        if config.trackMetrics, renderTimeMs.isFinite, renderTimeMs >= 0 {
            renderCount += 1
            totalRenderTimeMs += renderTimeMs
        }
    }

    /// Counts one error and keeps its message as `lastError`.
    public mutating func recordError(_ message: String) {
        errorCount += 1
        lastError = Self.bounded(message)
    }

    /// Gives the session a new ttl counted from `now` (both with and without auto-renew).
    public mutating func extend(ttlSeconds: Int, at now: Date) {
        config.ttlSeconds = ttlSeconds
        lastAccessed = now
        expiresAt = now.addingTimeInterval(config.ttl)
    }

    /// Seconds since creation at `now`.
    public func ageSeconds(at now: Date) -> Double {
        max(0, now.timeIntervalSince(createdAt))
    }

    /// Mean recorded render time, 0 before the first.
    public var avgRenderTimeMs: Double {
        renderCount == 0 ? 0 : totalRenderTimeMs / Double(renderCount)
    }

    /// The metadata value for `key`, or nil.
    public func metadataValue(forKey key: String) -> JSONValue? {
        metadata[key]
    }

    /// Sets the metadata value for `key`; nil (or JSON null) removes the key.
    public mutating func setMetadata(_ value: JSONValue?, forKey key: String) {
        if let value, !value.isNull {
            metadata[key] = value
        } else {
            metadata.removeValue(forKey: key)
        }
    }

    /// Merges `patch` into the metadata: each key is set, and a JSON null removes the key (SPEC).
    public mutating func mergeMetadata(_ patch: [String: JSONValue]) {
        for (key, value) in patch {
            setMetadata(value, forKey: key)
        }
    }

    @usableFromInline
    static func bounded(_ text: String) -> String {
        text.utf8.count <= maxRecordedTextLength ? text : String(text.prefix(maxRecordedTextLength))
    }
}
