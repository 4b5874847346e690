/// Why a page verb failed, typed so callers can map it (a render's stage, an action's reason, a crash).
public enum PageError: Error, Sendable, Equatable {
    /// The verb did not finish within its timeout.
    case timeout(operation: String, afterMs: Int)
    /// `Page.navigate` failed with a network error (`net::ERR_CONNECTION_REFUSED`, …).
    case navigationFailed(url: String, netError: String)
    /// No element matches the selector.
    case elementNotFound(selector: String)
    /// The element exists but has no visible box (display none, hidden, zero size).
    case elementNotVisible(selector: String)
    /// The page's JavaScript threw (evaluation, predicate or action script).
    case javascriptError(String)
    /// A verb's argument cannot work on this page (unknown key, invalid selector, no such option …).
    case invalidArgument(String)
    /// The page's target crashed or was closed (the browser may still be fine).
    case targetClosed(String)
    /// The browser connection closed: the browser died or was shut down.
    case browserClosed(String)
    /// Chromium refused a command.
    case protocolError(method: String, message: String)
    /// The calling task was cancelled.
    case cancelled

    /// Translates a CDP failure of `operation`.
    init(_ error: CDPError) {
        switch error {
        case .browserClosed(let reason): self = .browserClosed(reason)
        case .targetClosed(_, let reason): self = .targetClosed(reason)
        case .timeout(let method, let afterMs): self = .timeout(operation: method, afterMs: afterMs)
        case .protocolError(let method, _, let message): self = .protocolError(method: method, message: message)
        case .invalidResponse(let method, let detail): self = .protocolError(method: method, message: detail)
        case .cancelled: self = .cancelled
        }
    }

    /// Whether the browser or page is gone (so the render is a crash, not a page problem).
    public var isCrash: Bool {
        switch self {
        case .targetClosed, .browserClosed: true
        default: false
        }
    }
}

extension PageError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .timeout(let operation, let afterMs): "\(operation) did not finish within \(afterMs) ms"
        case .navigationFailed(let url, let netError): "navigation to \(url) failed: \(netError)"
        case .elementNotFound(let selector): "no element matches \(selector)"
        case .elementNotVisible(let selector): "the element \(selector) is not visible"
        case .javascriptError(let message): "JavaScript error: \(message)"
        case .invalidArgument(let message): message
        case .targetClosed(let reason): "the page closed: \(reason)"
        case .browserClosed(let reason): "the browser closed: \(reason)"
        case .protocolError(let method, let message): "\(method) failed: \(message)"
        case .cancelled: "cancelled"
        }
    }
}
