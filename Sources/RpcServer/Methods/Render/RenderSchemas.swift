import RenderTypes

/// JSON Schemas of the render vocabulary and the pool's figures, registered under
/// `components.schemas` of the OpenRPC document. Params schemas describe the shape; the strict
/// decoder enforces every rule (ranges, combinations) and names the field it refuses.
enum RenderSchemas {
    static let waitCondition = JSONSchema.object(
        [
            "type": .string(oneOf: [
                "load", "dom_content_loaded", "network_idle", "selector", "javascript", "delay", "popup", "download", "all", "any",
            ]),
            "timeout_ms": .integer(minimum: 1), "idle_ms": .integer(minimum: 0), "selector": .string,
            "visible": .boolean, "expression": .string, "ms": .integer(minimum: 0), "count": .integer(minimum: 1),
            "conditions": .array(of: .ref("WaitCondition")),
        ],
        required: ["type"]
    )

    static let scroll = JSONSchema.object(
        [
            "steps": .integer(minimum: 1), "step_px": .integer(minimum: 1), "delay_ms": .integer(minimum: 0),
            "to_bottom": .boolean, "max_steps": .integer(minimum: 1), "stop_condition": .string, "after_scroll_js": .string,
        ]
    )

    static let action = JSONSchema.object(
        [
            "type": .string(oneOf: [
                "click", "type", "press", "select", "hover", "evaluate", "wait", "scroll", "screenshot", "navigate", "set_cookies",
            ]),
            "selector": .string, "text": .string, "clear_first": .boolean, "key": .string, "value": .string,
            "expression": .string, "condition": .ref("WaitCondition"), "full_page": .boolean, "url": .string,
            "wait_for": .ref("WaitCondition"), "cookies": .array(of: .ref("Cookie")), "wait_after_ms": .integer(minimum: 0),
            "optional": .boolean, "steps": .integer(minimum: 1), "step_px": .integer(minimum: 1),
            "delay_ms": .integer(minimum: 0), "to_bottom": .boolean, "max_steps": .integer(minimum: 1),
            "stop_condition": .string, "after_scroll_js": .string,
        ],
        required: ["type"]
    )

    static let dynamicConfig = JSONSchema.object(
        [
            "wait_for": .ref("WaitCondition"),
            "scroll": scroll,
            "actions": .array(of: action),
            "capture": .object([
                "html": .boolean, "screenshot": .boolean, "full_page": .boolean, "format": .string(oneOf: ["png", "jpeg"]),
                "quality": .integer(minimum: 0, maximum: 100), "pdf": .boolean, "mhtml": .boolean, "metadata": .boolean,
                "console": .boolean, "network": .boolean, "timing": .boolean,
                "downloads": JSONSchema.object(["max_bytes": .integer(minimum: 1, maximum: RenderLimits.maxDownloadBytes)])
                    .described("Return the bytes of the page's downloads (base64), all together at most max_bytes; without it downloads are refused and only reported."),
            ]),
            "timeout_ms": .integer(minimum: 1, maximum: RenderLimits.maxTimeoutMs),
            "viewport": .object([
                "width": .integer(minimum: 1), "height": .integer(minimum: 1), "device_scale_factor": .number(minimum: 0),
                "is_mobile": .boolean,
            ]),
            "block_resources": .array(
                of: .string(oneOf: ["image", "media", "font", "stylesheet", "script", "xhr", "websocket"])),
            "block_urls": .array(of: .string),
            "headers": .object([:], additionalProperties: .string),
            "javascript_enabled": .boolean,
            "user_agent": .string,
            "proxy": .object(
                ["server": .string, "username": .string, "password": .string, "bypass": .string], required: ["server"]),
            "dialogs": JSONSchema.oneOf([
                .string(oneOf: ["dismiss", "accept"]), .object(["prompt_text": .string], required: ["prompt_text"]),
            ]).described("How JavaScript dialogs are answered (default dismiss); beforeunload is always answered leave."),
            "isolation": JSONSchema.string(oneOf: RenderIsolation.allCases.map(\.rawValue)).described(
                "Without a session: recycled (default) may reuse a reset context of an earlier render of the same origin; fresh never does."),
        ]
    )

    static let dialogEntry = JSONSchema.object(
        [
            "type": .string(oneOf: DialogEntry.Kind.allCases.map(\.rawValue)), "message": .string, "url": .string,
            "handled": .string(oneOf: DialogEntry.Answer.allCases.map(\.rawValue)), "prompt_text": .string,
        ],
        required: ["type", "message", "url", "handled"]
    )

    static let downloadEntry = JSONSchema.object(
        [
            "url": .string, "suggested_filename": .string,
            "state": .string(oneOf: DownloadEntry.State.allCases.map(\.rawValue)),
            "bytes": .integer(minimum: 0), "data": JSONSchema.string.described("Base64 of the file."),
        ],
        required: ["url", "suggested_filename", "state"]
    )

    static let stealthConfig = JSONSchema.object(
        [
            "preset": .string(oneOf: ["none", "low", "medium", "high"]), "user_agent": .string,
            "rotate_user_agent": .boolean, "locale": .string, "timezone": .string, "platform": .string,
            "hide_webdriver": .boolean, "webgl_vendor": .string, "webgl_renderer": .string,
            "hardware_concurrency": .integer(minimum: 1), "device_memory": .number(minimum: 0),
            "color_scheme": .string(oneOf: ["light", "dark"]),
        ]
    )

    static let dynamicRenderResult = JSONSchema.object(
        [
            "html": .string, "final_url": .string, "status_code": .integer, "title": .string,
            "render_time_ms": .number(minimum: 0),
            "timings": .object(
                Dictionary(uniqueKeysWithValues: ["queue_ms", "lease_ms", "navigation_ms", "wait_ms", "actions_ms", "capture_ms"].map {
                    ($0, JSONSchema.number(minimum: 0))
                }),
                required: ["queue_ms", "lease_ms", "navigation_ms", "wait_ms", "actions_ms", "capture_ms"]
            ),
            "actions_executed": .array(
                of: .object(
                    [
                        "index": .integer(minimum: 0), "type": .string, "ok": .boolean, "ms": .number(minimum: 0),
                        "result": .any, "error": .string,
                    ],
                    required: ["index", "type", "ok", "ms"]
                )),
            "wait_conditions_met": .array(of: .string),
            "artifacts": .object(
                [
                    "screenshot": JSONSchema.string.described("Base64 PNG or JPEG."),
                    "pdf": JSONSchema.string.described("Base64 PDF."), "mhtml": .string,
                    "metadata": .object(
                        [
                            "title": .string, "description": .string, "canonical_url": .string,
                            "open_graph": .object([:], additionalProperties: .string),
                            "twitter": .object([:], additionalProperties: .string), "json_ld": .array(of: .any),
                        ],
                        required: ["open_graph", "twitter", "json_ld"]
                    ),
                    "timing": .object([
                        "ttfb_ms": .number, "dom_content_loaded_ms": .number, "load_ms": .number,
                        "first_contentful_paint_ms": .number,
                    ]),
                    "console": .array(
                        of: .object(["level": .string, "text": .string, "timestamp": .number], required: ["level", "text", "timestamp"])),
                    "network": .array(
                        of: .object(
                            [
                                "url": .string, "method": .string, "status": .integer, "resource_type": .string,
                                "bytes": .integer(minimum: 0), "ms": .number(minimum: 0), "error": .string,
                            ],
                            required: ["url", "method", "resource_type", "bytes", "ms"]
                        )),
                ]
            ),
            "session_id": .string, "cookies_updated": .integer(minimum: 0), "warnings": .array(of: .string),
            "dialogs": .array(of: dialogEntry), "popups": .array(of: .string), "downloads": .array(of: downloadEntry),
            "context": .string(oneOf: RenderIsolation.allCases.map(\.rawValue)),
            "usage": .ref("Usage"),
            "preset": JSONSchema.string.described("The tenant's preset the render applied (its `preset` param)."),
        ],
        required: [
            "final_url", "title", "render_time_ms", "timings", "actions_executed", "wait_conditions_met", "artifacts",
            "cookies_updated", "warnings", "dialogs", "popups", "downloads",
        ]
    )

    static let poolStats: JSONSchema = {
        let integers = [
            "ready_browsers", "contexts_leased", "contexts_idle", "contexts_warming", "contexts_held", "contexts_parked",
            "queue_length", "queue_high", "queue_normal", "queue_low", "capacity", "restarts", "recycled", "launches",
            "launch_failures", "leases_served", "hot_leases", "overloaded_rejections", "queue_timeouts", "warm_sessions", "recycled_contexts",
        ]
        var properties: [String: JSONSchema] = [:]
        for name in integers { properties[name] = .integer(minimum: 0) }
        properties["utilization"] = .number(minimum: 0)
        properties["shutting_down"] = .boolean
        properties["last_launch_error"] = .string
        properties["browsers"] = .array(
            of: .object(
                [
                    "id": .integer, "state": .string(oneOf: ["launching", "ready", "draining", "closing", "crashed"]),
                    "drain_reason": .string, "pid": .integer, "leased": .integer(minimum: 0),
                    "idle_contexts": .integer(minimum: 0), "warming_contexts": .integer(minimum: 0),
                    "leases_served": .integer(minimum: 0), "age_seconds": .number(minimum: 0),
                    "rss_bytes": .integer(minimum: 0), "pss_bytes": .integer(minimum: 0), "processes": .integer(minimum: 0),
                ],
                required: ["id", "state", "leased", "idle_contexts", "warming_contexts", "leases_served", "age_seconds"]
            ))
        properties["profile_browsers"] = .array(
            of: .object(
                ["profile": .string, "pid": .integer, "in_use": .integer(minimum: 0), "idle_seconds": .number(minimum: 0)],
                required: ["profile", "in_use", "idle_seconds"]
            ))
        return .object(properties, required: ["browsers", "utilization", "shutting_down", "profile_browsers"] + integers)
    }()

    /// Adds every schema above to `registry`.
    static func register(in registry: inout RpcMethodRegistry) {
        registry.addSchema("WaitCondition", waitCondition)
        registry.addSchema("DynamicConfig", dynamicConfig)
        registry.addSchema("StealthConfig", stealthConfig)
        registry.addSchema("DynamicRenderResult", dynamicRenderResult)
        registry.addSchema("PoolStats", poolStats)
    }
}
