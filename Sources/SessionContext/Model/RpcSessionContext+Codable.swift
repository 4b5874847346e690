import Foundation
import RenderTypes

/// The stored form of a session (persistent backends keep it as one JSON record). Timestamps are
/// unix seconds; empty collections and nil fields are left out, and absent ones decode as empty.
/// `tenant` is written only for a tenant other than `default`, so records written before tenants
/// existed read as the `default` tenant's.
extension RpcSessionContext: Codable {
    enum CodingKeys: String, CodingKey {
        case sessionId = "session_id"
        case tenant
        case state
        case keepWarm = "keep_warm"
        case createdAt = "created_at"
        case lastAccessed = "last_accessed"
        case expiresAt = "expires_at"
        case requestCount = "request_count"
        case renderCount = "render_count"
        case totalRenderTimeMs = "total_render_time_ms"
        case errorCount = "error_count"
        case metadata
        case cookies
        case localStorage = "local_storage"
        case lastUrl = "last_url"
        case lastError = "last_error"
        case profile
        case config
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        storage = Storage(
            sessionId: try c.decode(SessionID.self, forKey: .sessionId).inTenant(
                try c.decodeIfPresent(String.self, forKey: .tenant).map { text in
                    guard let tenant = TenantID(text) else {
                        throw DecodingError.dataCorruptedError(
                            forKey: .tenant, in: c, debugDescription: TenantID.invalidReason(text) ?? "invalid tenant")
                    }
                    return tenant
                } ?? .default),
            state: try c.decodeIfPresent(SessionState.self, forKey: .state) ?? .active,
            keepWarm: try c.decodeIfPresent(Bool.self, forKey: .keepWarm) ?? false,
            createdAt: Date(timeIntervalSince1970: try c.decode(Double.self, forKey: .createdAt)),
            lastAccessed: Date(timeIntervalSince1970: try c.decode(Double.self, forKey: .lastAccessed)),
            expiresAt: Date(timeIntervalSince1970: try c.decode(Double.self, forKey: .expiresAt)),
            requestCount: try c.decodeIfPresent(Int.self, forKey: .requestCount) ?? 0,
            renderCount: try c.decodeIfPresent(Int.self, forKey: .renderCount) ?? 0,
            totalRenderTimeMs: try c.decodeIfPresent(Double.self, forKey: .totalRenderTimeMs) ?? 0,
            errorCount: try c.decodeIfPresent(Int.self, forKey: .errorCount) ?? 0,
            metadata: try c.decodeIfPresent([String: JSONValue].self, forKey: .metadata) ?? [:],
            cookies: try c.decodeIfPresent([Cookie].self, forKey: .cookies) ?? [],
            localStorage: try c.decodeIfPresent([String: [String: String]].self, forKey: .localStorage) ?? [:],
            lastUrl: try c.decodeIfPresent(String.self, forKey: .lastUrl),
            lastError: try c.decodeIfPresent(String.self, forKey: .lastError),
            profile: try c.decodeIfPresent(String.self, forKey: .profile),
            config: try c.decode(SessionConfig.self, forKey: .config)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sessionId, forKey: .sessionId)
        if !sessionId.tenant.isDefault { try c.encode(sessionId.tenant.rawValue, forKey: .tenant) }
        try c.encode(state, forKey: .state)
        if keepWarm { try c.encode(keepWarm, forKey: .keepWarm) }
        try c.encode(createdAt.timeIntervalSince1970, forKey: .createdAt)
        try c.encode(lastAccessed.timeIntervalSince1970, forKey: .lastAccessed)
        try c.encode(expiresAt.timeIntervalSince1970, forKey: .expiresAt)
        try c.encode(requestCount, forKey: .requestCount)
        try c.encode(renderCount, forKey: .renderCount)
        try c.encode(totalRenderTimeMs, forKey: .totalRenderTimeMs)
        try c.encode(errorCount, forKey: .errorCount)
        if !metadata.isEmpty { try c.encode(metadata, forKey: .metadata) }
        if !cookies.isEmpty { try c.encode(cookies, forKey: .cookies) }
        if !localStorage.isEmpty { try c.encode(localStorage, forKey: .localStorage) }
        try c.encodeIfPresent(lastUrl, forKey: .lastUrl)
        try c.encodeIfPresent(lastError, forKey: .lastError)
        try c.encodeIfPresent(profile, forKey: .profile)
        try c.encode(config, forKey: .config)
    }
}
