import RenderTypes
public import SessionContext

// The session methods take SessionContext's wire structs (the shapes the client encodes); here they
// gain what the registry needs: their documented parameters and whether they come by position.

/// The schema of a session id param.
let sessionIDSchema = JSONSchema.string(pattern: "^[A-Za-z0-9_.-]{1,128}$")
    .described("A session id: caller-given [A-Za-z0-9_.-]{1,128}, or generated ses_ + 32 hex digits.")

extension SessionCreateParams: RpcParams {
    public static let parameters = [
        RpcParameter("session_id", sessionIDSchema, summary: "The id to use; generated when absent."),
        RpcParameter("ttl_secs", .integer(minimum: 1), summary: "Lifetime in seconds (server default when absent)."),
        RpcParameter("auto_renew", .boolean, summary: "Whether each access moves expires_at (default true)."),
        RpcParameter("max_requests", .integer(minimum: 0), summary: "Render calls allowed; 0 is unlimited (default)."),
        RpcParameter("metadata", .object([:], additionalProperties: .any), summary: "Caller data kept with the session."),
        RpcParameter("profile", .string(pattern: "^[A-Za-z0-9_-]{1,64}$"), summary: "Named on-disk Chromium profile."),
        RpcParameter("keep_warm", .boolean, summary: "Keep the browser context open between calls."),
    ]
}

/// `session.get`, `session.delete`, `cookies.clear`.
extension SessionIDParams: RpcParams {
    public static let parameters = [RpcParameter("session_id", sessionIDSchema, required: true)]
    public static let paramStructure = RpcParamStructure.either
}

extension SessionListParams: RpcParams {
    public static let parameters = [
        RpcParameter("limit", .integer(minimum: 1, maximum: 1000), summary: "Sessions per page (default 100)."),
        RpcParameter("cursor", .string, summary: "next_cursor of the previous page."),
    ]
    public static let paramStructure = RpcParamStructure.either
}

extension SessionExtendParams: RpcParams {
    public static let parameters = [
        RpcParameter("session_id", sessionIDSchema, required: true),
        RpcParameter("ttl_secs", .integer(minimum: 1), required: true, summary: "New lifetime, counted from now."),
    ]
    public static let paramStructure = RpcParamStructure.either
}

extension SessionSetMetadataParams: RpcParams {
    public static let parameters = [
        RpcParameter("session_id", sessionIDSchema, required: true),
        RpcParameter(
            "metadata", .object([:], additionalProperties: .any), required: true,
            summary: "Keys to merge; a null value removes the key."
        ),
    ]
    public static let paramStructure = RpcParamStructure.either
}
