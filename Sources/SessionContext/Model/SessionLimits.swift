public import RenderTypes

/// Bounds on what one session may hold, checked when a session is created or changed through the
/// store, so no caller can grow a record without limit. Defaults are the server's documented limits.
public struct SessionLimits: Sendable, Hashable {
    /// Longest ttl any session may have (30 days).
    public var maxTTLSeconds: Int
    /// Largest metadata object, measured as compact JSON (64 KiB).
    public var maxMetadataBytes: Int
    /// Most metadata keys (100).
    public var maxMetadataKeys: Int
    /// Most cookies in one session's jar (1000).
    public var maxCookies: Int
    /// Largest localStorage, all origins' keys and values together, in UTF-8 bytes (5 MiB).
    public var maxLocalStorageBytes: Int

    /// A ttl no configuration may exceed (10 years), so dates never overflow.
    public static let absoluteMaxTTLSeconds = 10 * 366 * 86_400

    public init(
        maxTTLSeconds: Int = 30 * 86_400, maxMetadataBytes: Int = 64 * 1024, maxMetadataKeys: Int = 100,
        maxCookies: Int = 1000, maxLocalStorageBytes: Int = 5 * 1024 * 1024
    ) {
        self.maxTTLSeconds = min(maxTTLSeconds, Self.absoluteMaxTTLSeconds)
        self.maxMetadataBytes = maxMetadataBytes
        self.maxMetadataKeys = maxMetadataKeys
        self.maxCookies = maxCookies
        self.maxLocalStorageBytes = maxLocalStorageBytes
    }

    /// Throws `.invalidValue` naming `ttl_secs` or `max_requests` when `config` is out of bounds.
    public func validate(_ config: SessionConfig) throws(SessionError) {
        try validateTTL(config.ttlSeconds)
        if config.maxRequests < 0 {
            throw .invalidValue(field: "max_requests", reason: "must be 0 (unlimited) or more")
        }
    }

    /// Throws `.invalidValue` for `ttl_secs` outside 1...maxTTLSeconds.
    public func validateTTL(_ seconds: Int) throws(SessionError) {
        guard (1...maxTTLSeconds).contains(seconds) else {
            throw .invalidValue(field: "ttl_secs", reason: "must be between 1 and \(maxTTLSeconds) seconds")
        }
    }

    /// Throws `.invalidValue` for `metadata` with too many keys or too many bytes.
    public func validate(metadata: [String: JSONValue]) throws(SessionError) {
        if metadata.count > maxMetadataKeys {
            throw .invalidValue(field: "metadata", reason: "has \(metadata.count) keys, at most \(maxMetadataKeys) allowed")
        }
        let bytes = (try? JSONValue.object(metadata).jsonData().count) ?? Int.max
        if bytes > maxMetadataBytes {
            throw .invalidValue(field: "metadata", reason: "is \(bytes) bytes of JSON, at most \(maxMetadataBytes) allowed")
        }
    }

    /// Checks every bounded part of `session`: config, metadata, cookies, localStorage.
    public func validate(_ session: RpcSessionContext) throws(SessionError) {
        try validate(session.config)
        try validate(metadata: session.metadata)
        if session.cookies.count > maxCookies {
            throw .invalidValue(field: "cookies", reason: "\(session.cookies.count) cookies, at most \(maxCookies) allowed")
        }
        var storageBytes = 0
        for (origin, items) in session.localStorage {
            storageBytes += origin.utf8.count
            for (key, value) in items { storageBytes += key.utf8.count + value.utf8.count }
        }
        if storageBytes > maxLocalStorageBytes {
            throw .invalidValue(
                field: "local_storage", reason: "is \(storageBytes) bytes, at most \(maxLocalStorageBytes) allowed"
            )
        }
    }
}
