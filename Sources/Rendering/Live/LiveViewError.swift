/// Why a live view could not open.
enum LiveViewError: Error, Sendable, CustomStringConvertible {
    /// The view's browser had no page to show.
    case noPage

    var description: String {
        switch self {
        case .noPage: "the live view's browser has no page"
        }
    }
}
