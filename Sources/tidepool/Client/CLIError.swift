import RpcClient

/// A failure the CLI reports in one line on stderr (exit status 1).
struct CLIError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }

    /// `method` on the server at `server` failed with `error`: what failed and what to do about
    /// it, in the CLI's terms where the client's own words name its Swift API.
    init(_ error: RpcError, method: String, server: String) {
        let code = error.code.map { " (\($0))" } ?? ""
        switch error {
        case .connectionFailed(_, let reason):
            self.init(
                "cannot reach the Tidepool server at \(server): \(reason) (start one with `tidepool serve`, or use --local)")
        case .httpStatus(401, _):
            self.init("\(method) failed: the server at \(server) wants its token (HTTP 401): set TIDEPOOL_TOKEN or --token")
        case .sessionNotFound(let id):
            self.init("\(method) failed: session \(id) not found: `tidepool session list` shows the live ones\(code)")
        default:
            self.init("\(method) failed: \(error)")
        }
    }
}
