/// Who holds a session against JSON-RPC changes while it is handed over (SPEC *Hand-off*): a live
/// viewer in control mode or a CDP client. Renders on it and `cookies.set|delete|clear` are refused
/// with -32006 and `reason` while it holds; reads answer.
public enum ControlKind: String, Sendable, Hashable {
    case liveControl = "live"
    case cdpClient = "cdp"

    /// `data.reason` of the refusal.
    public var heldReason: String {
        switch self {
        case .liveControl: "session held by live control"
        case .cdpClient: "session held by a CDP client"
        }
    }
}
