/// JSON Schemas of the wire types the methods return or take, registered once under
/// `components.schemas` of the OpenRPC document. A test validates real results against them.
enum WireSchemas {
    static let timestamp = JSONSchema.string(format: "date-time")

    static let cookie = JSONSchema.object(
        [
            "name": .string, "value": .string, "domain": .string,
            "path": JSONSchema.string.described("Defaults to /."),
            "expires": JSONSchema.number(minimum: 0).described("Unix seconds; absent for a session cookie."),
            "secure": .boolean, "http_only": .boolean,
            "same_site": .string(oneOf: ["Strict", "Lax", "None"]),
        ],
        required: ["name", "value", "domain"]
    )

    static let sessionInfo = JSONSchema.object(
        [
            "session_id": .string, "created_at": timestamp, "last_accessed": timestamp, "expires_at": timestamp,
            "ttl_secs": .integer, "auto_renew": .boolean, "max_requests": .integer, "request_count": .integer,
            "avg_render_time_ms": .number, "last_url": .string, "last_error": .string,
            "metadata": .object([:], additionalProperties: .any), "cookie_count": .integer, "profile": .string,
        ],
        required: [
            "session_id", "created_at", "last_accessed", "expires_at", "ttl_secs", "auto_renew", "max_requests",
            "request_count", "avg_render_time_ms", "metadata", "cookie_count",
        ]
    )

    static let sessionMetrics: JSONSchema = {
        let integers = ["active_sessions", "total_requests", "expired_cleaned", "errors"]
        let numbers = [
            "avg_session_age_seconds", "total_render_time_ms", "avg_render_time_ms", "p50_render_ms",
            "p95_render_ms", "p99_render_ms",
        ]
        var properties: [String: JSONSchema] = [:]
        for name in integers { properties[name] = .integer }
        for name in numbers { properties[name] = .number }
        return .object(properties, required: integers + numbers)
    }()

    static let health = JSONSchema.object(
        [
            "status": .string(oneOf: ["healthy", "unhealthy"]),
            "version": .string,
            "uptime_secs": .integer,
            "sessions": .object(
                ["backend": .string, "ok": .boolean, "count": .integer, "error": .string], required: ["backend", "ok"]
            ),
            "pool": JSONSchema.any.described("Browser pool figures; null until a pool is running."),
            "node": .object(["id": .string, "advertise_url": .string], required: ["id", "advertise_url"]),
        ],
        required: ["status", "version", "uptime_secs", "sessions", "pool"]
    )

    /// Adds every schema above to `registry`.
    static func register(in registry: inout RpcMethodRegistry) {
        registry.addSchema("Cookie", cookie)
        registry.addSchema("SessionInfo", sessionInfo)
        registry.addSchema("SessionMetrics", sessionMetrics)
        registry.addSchema("Health", health)
    }
}
