import AsyncSupport
import Headless
import Synchronization

/// The pages of a live view's context the viewer switches between, as a browser's tab strip: the
/// session's page first, then each window the pages opened (`window.open`, `target=_blank`), in the
/// order they opened, at most `maxTabs`. One tab is shown at a time and takes the viewer's input; a
/// new window is shown as it opens, as a browser focuses it, and when the shown one closes its
/// opener (or the session's page) is shown again.
final class LiveTabs: Sendable {
    struct Tab: Sendable {
        let id: String
        let session: CDPSession
        /// The tab that opened this one (nil for the session's page).
        let opener: String?
        var url: String
        var title: String
    }

    private struct State {
        var tabs: [Tab]
        var active: String
        /// Resolved when another tab is shown (a new latch follows each switch).
        var switched = AsyncLatch<Void>()
    }

    /// Most tabs at once (the session's page included); windows opened beyond it are closed at once.
    static let maxTabs = 8

    /// The session's page: never closed from the strip, shown when nothing else is.
    let main: CDPSession
    private let state: Mutex<State>

    init(main: CDPSession) {
        self.main = main
        state = Mutex(State(tabs: [Tab(id: main.targetId, session: main, opener: nil, url: "", title: "")], active: main.targetId))
    }

    /// The tabs in order and the one shown.
    var snapshot: (tabs: [Tab], active: String) {
        state.withLock { ($0.tabs, $0.active) }
    }

    /// The tab shown now.
    var active: Tab {
        state.withLock { s in s.tabs.first { $0.id == s.active } ?? s.tabs[0] }
    }

    func contains(_ id: String) -> Bool {
        state.withLock { $0.tabs.contains { $0.id == id } }
    }

    var isFull: Bool {
        state.withLock { $0.tabs.count >= Self.maxTabs }
    }

    /// A latch that resolves once a tab other than `id` is shown (at once when one is already).
    func switchSignal(from id: String) -> AsyncLatch<Void> {
        let (latch, shownAlready) = state.withLock { ($0.switched, $0.active != id) }
        guard shownAlready else { return latch }
        // Another tab is shown already: a latch of its own, resolved (never the shown tab's).
        let resolved = AsyncLatch<Void>()
        resolved.resolve(())
        return resolved
    }

    /// Shows tab `id`; false when there is no such tab or it is shown already.
    @discardableResult
    func activate(_ id: String) -> Bool {
        let previous = state.withLock { s -> AsyncLatch<Void>? in
            guard s.active != id, s.tabs.contains(where: { $0.id == id }) else { return nil }
            return Self.show(id, in: &s)
        }
        previous?.resolve(())
        return previous != nil
    }

    /// Adds a window that opened (and shows it); false when it is known or the strip is full.
    func add(_ tab: Tab) -> Bool {
        let previous = state.withLock { s -> AsyncLatch<Void>? in
            guard s.tabs.count < Self.maxTabs, !s.tabs.contains(where: { $0.id == tab.id }) else { return nil }
            s.tabs.append(tab)
            return Self.show(tab.id, in: &s)
        }
        previous?.resolve(())
        return previous != nil
    }

    /// Takes a closed window off the strip; when it was shown, its opener (still open) or the
    /// session's page is shown instead. False when it was not a tab, or is the session's page.
    @discardableResult
    func remove(_ id: String) -> Bool {
        let mainID = main.targetId
        let outcome = state.withLock { s -> (removed: Bool, previous: AsyncLatch<Void>?) in
            guard id != mainID, let index = s.tabs.firstIndex(where: { $0.id == id }) else { return (false, nil) }
            let closed = s.tabs.remove(at: index)
            guard s.active == id else { return (true, nil) }
            let opener = closed.opener.flatMap { opener in s.tabs.first { $0.id == opener }?.id }
            return (true, Self.show(opener ?? mainID, in: &s))
        }
        outcome.previous?.resolve(())
        return outcome.removed
    }

    /// Notes a tab's URL and title; false when nothing changed (or it is not a tab).
    func update(_ id: String, url: String, title: String) -> Bool {
        state.withLock { s in
            guard let index = s.tabs.firstIndex(where: { $0.id == id }), s.tabs[index].url != url || s.tabs[index].title != title
            else { return false }
            s.tabs[index].url = url
            s.tabs[index].title = title
            return true
        }
    }

    /// Makes `id` the shown tab; returns the latch to resolve (outside the lock) for the switch.
    private static func show(_ id: String, in s: inout State) -> AsyncLatch<Void> {
        s.active = id
        defer { s.switched = AsyncLatch<Void>() }
        return s.switched
    }
}
