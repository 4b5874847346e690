import Foundation
import SessionContext
import Synchronization

/// The live views of this node: running ones by their token's hash (the token itself is never kept)
/// and every view by its id, kept a while after it ended so `live.status|wait` can say how.
final class LiveViews: Sendable {
    private struct State {
        var byToken: [String: LiveView] = [:]
        var byID: [String: LiveView] = [:]
        /// Ids of ended views, oldest first, with when they ended.
        var ended: [(id: String, at: ContinuousClock.Instant)] = []
    }

    /// Live views one session may have at once (of them at most one in control: the hold).
    static let maxPerSession = 2
    /// Ended views remembered, and for how long.
    static let maxRemembered = 1000
    static let remembered: Duration = .seconds(600)

    private let state = Mutex(State())

    func register(_ view: LiveView, tokenHash: String) {
        state.withLock { state in
            state.byToken[tokenHash] = view
            state.byID[view.id] = view
        }
    }

    /// The view no longer takes a viewer; it stays known by id for a while.
    func retire(_ view: LiveView, tokenHash: String) {
        let now = ContinuousClock.now
        state.withLock { state in
            state.byToken[tokenHash] = nil
            state.ended.append((view.id, now))
            while let first = state.ended.first, state.ended.count > Self.maxRemembered || now - first.at > Self.remembered {
                state.byID[first.id] = nil
                state.ended.removeFirst()
            }
        }
    }

    func view(tokenHash: String) -> LiveView? {
        state.withLock { $0.byToken[tokenHash] }
    }

    func view(id: String) -> LiveView? {
        state.withLock { $0.byID[id] }
    }

    /// Running views of `id`.
    func running(of id: SessionID) -> [LiveView] {
        state.withLock { $0.byToken.values.filter { $0.sessionID == id } }
    }

    /// Running views.
    var running: [LiveView] { state.withLock { Array($0.byToken.values) } }
}
