/// Bounds on everything a caller may send, in one place: every resource has a bounded size.
public enum RenderLimits {
    /// Deadline for a whole render call, queue time included.
    public static let defaultTimeoutMs = 30_000
    public static let maxTimeoutMs = 120_000
    public static let maxSelectorLength = 4_096
    public static let maxScriptLength = 100_000
    public static let maxTextLength = 100_000
    public static let maxURLLength = 8_192
    public static let maxActions = 100
    public static let maxCookiesPerCall = 300
    public static let maxConditions = 32
    /// Nesting of `all`/`any` wait conditions.
    public static let maxConditionDepth = 8
    public static let maxScrollSteps = 1_000
    public static let maxWaitAfterMs = 60_000
    public static let maxHeaders = 50
    public static let maxHeaderValueLength = 8_192
    public static let maxBlockURLPatterns = 100
    public static let maxViewportSide = 10_000
    /// Hard cap of `capture.downloads.max_bytes`: the bytes of downloads one render may return.
    public static let maxDownloadBytes = 25 * 1024 * 1024
    /// Dialogs listed in one result; the rest are counted in `warnings`.
    public static let maxReportedDialogs = 100
    /// Popup URLs listed in one result; the rest are counted in `warnings`.
    public static let maxReportedPopups = 100
    /// Downloads listed in one result; the rest are counted in `warnings` (and stopped when kept).
    public static let maxReportedDownloads = 100
}
