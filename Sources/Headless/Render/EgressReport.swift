import Egress
import Foundation
import RenderTypes

/// What a render tells of its context's egress gate: the failure that ended a navigation (the
/// browser only sees that its proxy gave no answer; the gate knows why), and the subresources the
/// policy refused.
enum EgressReport {
    /// Most refusals listed in a result's warnings (then a count of the rest).
    static let maxWarnings = 10

    /// The error of a navigation to `url` that failed while the gate recorded failures after `mark`:
    /// -32009 when the policy refused (the URL itself, or where it redirected), else the net error
    /// Chromium would have given without the proxy. Nil when the gate saw nothing of it.
    static func navigationError(_ gate: EgressGate?, after mark: Int, url: String) -> RenderError? {
        guard let gate else { return nil }
        let failures = gate.failures(after: mark)
        guard !failures.isEmpty else { return nil }
        let host = URLComponents(string: url)?.host?.lowercased()
        let failure = failures.last { $0.host.lowercased() == host } ?? failures[failures.count - 1]
        if case .refused(let reason) = failure.kind {
            return .urlNotAllowed(url: failure.url ?? url, reason: "the egress policy refuses it: \(reason)")
        }
        return .navigationFailed(url: url, netError: failure.netError)
    }

    /// One warning per policy refusal after `mark` (a subresource, a fetch, a WebSocket, a worker).
    static func warnings(_ gate: EgressGate?, after mark: Int) -> [String] {
        let refused = (gate?.failures(after: mark) ?? []).filter(\.isPolicyRefusal)
        var lines = refused.prefix(maxWarnings).map { "egress policy refused \($0)" }
        if refused.count > maxWarnings { lines.append("egress policy refused \(refused.count - maxWarnings) more connections") }
        return lines
    }
}
