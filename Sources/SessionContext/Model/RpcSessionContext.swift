public import Foundation
public import RenderTypes

/// One session, as the client keeps it and the server stores it: identity, lifetime, counters,
/// metadata and (server side) the browser state carried between calls. A value type: the store
/// changes it atomically; a copy handed out is a snapshot.
///
/// Methods that depend on time take the instant from the caller (the store passes its clock's
/// now), so behaviour is deterministic under a manual clock.
///
/// The fields live in one copy-on-write box, like `Array`'s: copying a session (which the store
/// does for every value it hands out) costs one reference count instead of copying ~180 bytes and
/// retaining each collection and string; a change copies the box only when it is shared.
public struct RpcSessionContext: Sendable {
    /// The fields. Mutated only through `uniqueStorage()`, i.e. only while no other value shares
    /// the box.
    ///
    /// Declaring it Sendable unchecked is sound: (1) every stored field is itself `Sendable` (value types and
    /// `let sessionId`); (2) a Storage is written only by a mutating member of the one
    /// RpcSessionContext holding its *only* reference — `uniqueStorage()` checks
    /// `isKnownUniquelyReferenced` and copies the box otherwise — so a box reachable from two values,
    /// and hence from two threads, is never written again, only read; (3) the class is internal to
    /// this module (`@usableFromInline` only so this type's inlinable accessors can reach it), so
    /// nothing else writes it.
    @usableFromInline
    final class Storage: @unchecked Sendable {
        // The fields opt out of dynamic exclusivity checks (a TLS bookkeeping call per access, 15% of
        // a store operation): every access comes from RpcSessionContext, whose own accessors are
        // statically checked — two overlapping accesses to one field would be two overlapping
        // accesses to the struct, which the compiler rejects.
        @usableFromInline let sessionId: SessionID
        @exclusivity(unchecked) @usableFromInline var state: SessionState
        @exclusivity(unchecked) @usableFromInline var keepWarm: Bool
        @exclusivity(unchecked) @usableFromInline var createdAt: Date
        @exclusivity(unchecked) @usableFromInline var lastAccessed: Date
        @exclusivity(unchecked) @usableFromInline var expiresAt: Date
        @exclusivity(unchecked) @usableFromInline var requestCount: Int
        @exclusivity(unchecked) @usableFromInline var renderCount: Int
        @exclusivity(unchecked) @usableFromInline var totalRenderTimeMs: Double
        @exclusivity(unchecked) @usableFromInline var errorCount: Int
        @exclusivity(unchecked) @usableFromInline var metadata: [String: JSONValue]
        @exclusivity(unchecked) @usableFromInline var cookies: [Cookie]
        @exclusivity(unchecked) @usableFromInline var localStorage: [String: [String: String]]
        @exclusivity(unchecked) @usableFromInline var lastUrl: String?
        @exclusivity(unchecked) @usableFromInline var lastError: String?
        @exclusivity(unchecked) @usableFromInline var profile: String?
        @exclusivity(unchecked) @usableFromInline var config: SessionConfig

        @usableFromInline
        init(
            sessionId: SessionID, state: SessionState, keepWarm: Bool, createdAt: Date, lastAccessed: Date,
            expiresAt: Date, requestCount: Int, renderCount: Int, totalRenderTimeMs: Double, errorCount: Int,
            metadata: [String: JSONValue], cookies: [Cookie], localStorage: [String: [String: String]],
            lastUrl: String?, lastError: String?, profile: String?, config: SessionConfig
        ) {
            self.sessionId = sessionId
            self.state = state
            self.keepWarm = keepWarm
            self.createdAt = createdAt
            self.lastAccessed = lastAccessed
            self.expiresAt = expiresAt
            self.requestCount = requestCount
            self.renderCount = renderCount
            self.totalRenderTimeMs = totalRenderTimeMs
            self.errorCount = errorCount
            self.metadata = metadata
            self.cookies = cookies
            self.localStorage = localStorage
            self.lastUrl = lastUrl
            self.lastError = lastError
            self.profile = profile
            self.config = config
        }

        @usableFromInline
        func copy() -> Storage {
            Storage(
                sessionId: sessionId, state: state, keepWarm: keepWarm,
                createdAt: createdAt, lastAccessed: lastAccessed, expiresAt: expiresAt,
                requestCount: requestCount, renderCount: renderCount,
                totalRenderTimeMs: totalRenderTimeMs, errorCount: errorCount,
                metadata: metadata, cookies: cookies, localStorage: localStorage,
                lastUrl: lastUrl, lastError: lastError, profile: profile,
                config: config
            )
        }

        /// See `RpcSessionContext.touch(at:)`.
        @inlinable
        func touch(at now: Date) {
            lastAccessed = RpcSessionContext.unixDate(now)
            if config.autoRenew {
                expiresAt = RpcSessionContext.unixDate(now, plus: config.ttl)
            }
        }

        /// See `RpcSessionContext.recordRender(url:renderTimeMs:)`.
        @inlinable
        func recordRender(url: String?, renderTimeMs: Double) {
            if let url { lastUrl = RpcSessionContext.bounded(url) }
            if config.trackMetrics, renderTimeMs.isFinite, renderTimeMs >= 0 {
                renderCount += 1
                totalRenderTimeMs += renderTimeMs
            }
        }
    }

    @usableFromInline var storage: Storage

    /// The box, copied first if another value shares it, so it may be written.
    @inlinable
    mutating func uniqueStorage() -> Storage {
        if !isKnownUniquelyReferenced(&storage) {
            storage = storage.copy()
        }
        return storage
    }

    /// The session's id.
    @inlinable public var sessionId: SessionID { storage.sessionId }

    /// Where the session stood when the store last handed it out.
    public var state: SessionState {
        @inlinable get { storage.state }
        @inlinable _modify { yield &uniqueStorage().state }
    }

    /// Whether the server keeps the session's browser context open between calls.
    public var keepWarm: Bool {
        @inlinable get { storage.keepWarm }
        @inlinable _modify { yield &uniqueStorage().keepWarm }
    }

    /// Wall-clock instant of creation.
    public var createdAt: Date {
        @inlinable get { storage.createdAt }
        @inlinable _modify { yield &uniqueStorage().createdAt }
    }

    /// Wall-clock instant of the last successful access.
    public var lastAccessed: Date {
        @inlinable get { storage.lastAccessed }
        @inlinable _modify { yield &uniqueStorage().lastAccessed }
    }

    /// The instant from which the session is expired (never served again).
    public var expiresAt: Date {
        @inlinable get { storage.expiresAt }
        @inlinable _modify { yield &uniqueStorage().expiresAt }
    }

    /// Requests counted against `config.maxRequests`.
    public var requestCount: Int {
        @inlinable get { storage.requestCount }
        @inlinable _modify { yield &uniqueStorage().requestCount }
    }

    /// Requests whose render time was recorded (the denominator of `avgRenderTimeMs`).
    public var renderCount: Int {
        @inlinable get { storage.renderCount }
        @inlinable _modify { yield &uniqueStorage().renderCount }
    }

    /// Sum of recorded render times, in milliseconds.
    public var totalRenderTimeMs: Double {
        @inlinable get { storage.totalRenderTimeMs }
        @inlinable _modify { yield &uniqueStorage().totalRenderTimeMs }
    }

    /// Errors recorded with `recordError`.
    public var errorCount: Int {
        @inlinable get { storage.errorCount }
        @inlinable _modify { yield &uniqueStorage().errorCount }
    }

    /// Caller-defined data (bounded by `SessionLimits`).
    public var metadata: [String: JSONValue] {
        @inlinable get { storage.metadata }
        @inlinable _modify { yield &uniqueStorage().metadata }
    }

    /// The session's cookie jar (server side).
    public var cookies: [Cookie] {
        @inlinable get { storage.cookies }
        @inlinable _modify { yield &uniqueStorage().cookies }
    }

    /// localStorage by origin, then key (server side).
    public var localStorage: [String: [String: String]] {
        @inlinable get { storage.localStorage }
        @inlinable _modify { yield &uniqueStorage().localStorage }
    }

    /// URL of the last recorded request.
    public var lastUrl: String? {
        @inlinable get { storage.lastUrl }
        @inlinable _modify { yield &uniqueStorage().lastUrl }
    }

    /// Message of the last recorded error.
    public var lastError: String? {
        @inlinable get { storage.lastError }
        @inlinable _modify { yield &uniqueStorage().lastError }
    }

    /// Name of the on-disk Chromium profile the session renders with (server side).
    public var profile: String? {
        @inlinable get { storage.profile }
        @inlinable _modify { yield &uniqueStorage().profile }
    }

    /// TTL, renewal and request-limit policy.
    public var config: SessionConfig {
        @inlinable get { storage.config }
        @inlinable _modify { yield &uniqueStorage().config }
    }

    /// Longest `lastUrl` and `lastError` kept, in characters; longer ones are truncated.
    public static let maxRecordedTextLength = 2048

    /// A new session created at `now`, expiring `config.ttl` later.
    public init(
        sessionId: SessionID, config: SessionConfig = SessionConfig(), now: Date,
        metadata: [String: JSONValue] = [:], profile: String? = nil, keepWarm: Bool = false
    ) {
        storage = Storage(
            sessionId: sessionId, state: .active, keepWarm: keepWarm, createdAt: Self.unixDate(now),
            lastAccessed: Self.unixDate(now), expiresAt: Self.unixDate(now, plus: config.ttl), requestCount: 0, renderCount: 0, totalRenderTimeMs: 0,
            errorCount: 0, metadata: metadata, cookies: [], localStorage: [:], lastUrl: nil, lastError: nil,
            profile: profile, config: config
        )
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
    @inlinable
    public func currentState(at now: Date) -> SessionState {
        if isExpired(at: now) { return .expired }
        return isRequestLimitReached ? .limitReached : .active
    }

    /// Why the session may not be served at `now`: `.expired`, or — when admitting a request —
    /// `.requestLimitReached`; nil when it may.
    @inlinable
    public func refusal(at now: Date, admittingRequest: Bool) -> SessionError? {
        if isExpired(at: now) {
            return .expired(sessionId, expiredAt: expiresAt)
        }
        if admittingRequest, isRequestLimitReached {
            return .requestLimitReached(sessionId, maxRequests: config.maxRequests)
        }
        return nil
    }

    /// Serves one access at `now`: returns the refusal and changes nothing when the session may
    /// not be served; else touches it, counts a request when `countingRequest`, refreshes `state`.
    @inlinable
    public mutating func admit(at now: Date, countingRequest: Bool) -> SessionError? {
        if let refusal = refusal(at: now, admittingRequest: countingRequest) {
            return refusal
        }
        let fields = uniqueStorage()
        if countingRequest { fields.requestCount += 1 }
        fields.touch(at: now)
        fields.state = currentState(at: now)
        return nil
    }

    /// Records an access at `now`: moves `lastAccessed`, and `expiresAt` too with auto-renew.
    @inlinable
    public mutating func touch(at now: Date) {
        uniqueStorage().touch(at: now)
    }

    /// Counts one request, records its URL and render time (if metrics are tracked) and touches.
    @inlinable
    public mutating func recordRequest(url: String?, renderTimeMs: Double, at now: Date) {
        let fields = uniqueStorage()
        fields.requestCount += 1
        fields.recordRender(url: url, renderTimeMs: renderTimeMs)
        fields.touch(at: now)
    }

    /// Records the URL and render time of a request counted earlier (by `beginRequest`).
    @inlinable
    public mutating func recordRender(url: String?, renderTimeMs: Double) {
        uniqueStorage().recordRender(url: url, renderTimeMs: renderTimeMs)
    }

    /// Counts one error and keeps its message as `lastError`.
    public mutating func recordError(_ message: String) {
        errorCount += 1
        lastError = Self.bounded(message)
    }

    /// Gives the session a new ttl counted from `now` (both with and without auto-renew).
    public mutating func extend(ttlSeconds: Int, at now: Date) {
        config.ttlSeconds = ttlSeconds
        lastAccessed = Self.unixDate(now)
        expiresAt = Self.unixDate(now, plus: config.ttl)
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

    /// `date` (plus `seconds`) rebuilt from its unix time. Such a date survives the stored form
    /// (unix seconds) bit for bit: `Date` counts from 2001, and converting an arbitrary instant to
    /// unix seconds and back is off by one ulp half the time, while one built from unix seconds
    /// converts back exactly (the subtraction of the 1970–2001 offset is exact).
    @inlinable
    static func unixDate(_ date: Date, plus seconds: TimeInterval = 0) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970 + seconds)
    }

    @usableFromInline
    static func bounded(_ text: String) -> String {
        text.utf8.count <= maxRecordedTextLength ? text : String(text.prefix(maxRecordedTextLength))
    }
}

extension RpcSessionContext: Hashable {
    /// Field by field; two values sharing one box are equal without looking.
    public static func == (lhs: RpcSessionContext, rhs: RpcSessionContext) -> Bool {
        if lhs.storage === rhs.storage { return true }
        return lhs.sessionId == rhs.sessionId && lhs.state == rhs.state && lhs.keepWarm == rhs.keepWarm && lhs.createdAt == rhs.createdAt && lhs.lastAccessed == rhs.lastAccessed && lhs.expiresAt == rhs.expiresAt && lhs.requestCount == rhs.requestCount && lhs.renderCount == rhs.renderCount && lhs.totalRenderTimeMs == rhs.totalRenderTimeMs && lhs.errorCount == rhs.errorCount && lhs.metadata == rhs.metadata && lhs.cookies == rhs.cookies && lhs.localStorage == rhs.localStorage && lhs.lastUrl == rhs.lastUrl && lhs.lastError == rhs.lastError && lhs.profile == rhs.profile && lhs.config == rhs.config
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(sessionId)
        hasher.combine(lastAccessed)
        hasher.combine(requestCount)
    }
}
