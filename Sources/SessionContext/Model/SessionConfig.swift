public import Foundation
import RenderTypes

/// Per-session policy: how long it lives, whether access renews it, how many requests it may serve.
public struct SessionConfig: Sendable, Hashable {
    /// Lifetime in seconds: after the last access with `autoRenew`, else after creation.
    public var ttlSeconds: Int
    /// Whether every successful access moves `expires_at` to access time + ttl.
    public var autoRenew: Bool
    /// Requests the session may serve; 0 is unlimited.
    public var maxRequests: Int
    /// Whether render times are recorded (request counts always are, limits depend on them).
    public var trackMetrics: Bool

    /// The client store's defaults (SPEC): 1800 s, auto-renew, unlimited requests, metrics on.
    public init(ttlSeconds: Int = 1800, autoRenew: Bool = true, maxRequests: Int = 0, trackMetrics: Bool = true) {
        self.ttlSeconds = ttlSeconds
        self.autoRenew = autoRenew
        self.maxRequests = maxRequests
        self.trackMetrics = trackMetrics
    }

    /// The ttl as a `TimeInterval`.
    public var ttl: TimeInterval { TimeInterval(ttlSeconds) }
}

extension SessionConfig: Codable {
    enum CodingKeys: String, CodingKey {
        case ttlSeconds = "ttl_secs"
        case autoRenew = "auto_renew"
        case maxRequests = "max_requests"
        case trackMetrics = "track_metrics"
    }

    /// Absent fields take the defaults; values are range-checked (the store applies its tighter
    /// `SessionLimits` when a session is created).
    public init(from decoder: any Decoder) throws {
        let defaults = SessionConfig()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        ttlSeconds = try c.decodeIfPresent(Int.self, forKey: .ttlSeconds, in: 1...SessionLimits.absoluteMaxTTLSeconds)
            ?? defaults.ttlSeconds
        autoRenew = try c.decodeIfPresent(Bool.self, forKey: .autoRenew) ?? defaults.autoRenew
        maxRequests = try c.decodeIfPresent(Int.self, forKey: .maxRequests, in: 0...Int.max) ?? defaults.maxRequests
        trackMetrics = try c.decodeIfPresent(Bool.self, forKey: .trackMetrics) ?? defaults.trackMetrics
    }
}
