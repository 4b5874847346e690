public import RenderTypes

/// `render` takes SPEC's `RenderParams`, decoded strictly (every field of `config` and `stealth`
/// included), by name only.
extension RenderParams: RpcParams {
    public static let parameters = [
        RpcParameter(
            "url", .string(maxLength: RenderLimits.maxURLLength), required: true,
            summary: "http(s) URL or about:blank; file:, chrome:, javascript:, data:, view-source: and credentials are -32009."
        ),
        RpcParameter(
            "session_id", sessionIDSchema,
            summary: "Render in this session (created with defaults when unknown): its cookies and localStorage carry over."
        ),
        RpcParameter(
            "profile", .string(pattern: "^[A-Za-z0-9_-]{1,64}$"),
            summary: "Named on-disk Chromium profile: the render runs in that profile's own browser."
        ),
        RpcParameter(
            "user_data_dir", .string(maxLength: 4096),
            summary: "The seed's name for profile: a profile name or a directory directly inside the profiles root."
        ),
        RpcParameter("config", .ref("DynamicConfig"), summary: "Waits, scrolling, actions, capture, timeout, viewport, blocking, headers, proxy."),
        RpcParameter("stealth", .ref("StealthConfig"), summary: "Fingerprint preset and overrides (default medium)."),
        RpcParameter("priority", .string(oneOf: RenderPriority.allCases.map(\.rawValue)), summary: "Queue priority (default normal)."),
    ]
}
