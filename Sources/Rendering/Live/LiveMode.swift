/// What a live view's viewer may do (`live.create`'s `mode`): watch only, or drive the session's page
/// (then the session is held against JSON-RPC changes, and its state is written back at the end).
public enum LiveMode: String, Sendable, Hashable, CaseIterable {
    case view
    case control
}
