import AsyncSupport
import Foundation
public import SessionContext
import Synchronization

/// The sessions this node's controllers hold now (a CDP client, a live viewer in control): at most
/// one holder per session, each until it releases (or its hold ends, at the latest at `endsAt`).
/// Checked before a render is admitted and before a cookie change, so those are refused at once.
public final class SessionHolds: Sendable {
    struct Hold: Sendable {
        let kind: ControlKind
        let number: UInt64
        let endsAt: ContinuousClock.Instant
    }

    private struct State {
        var holds: [SessionID: Hold] = [:]
        var next: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Holds `id` for `kind` until `endsAt`; nil when it is held already.
    func claim(_ id: SessionID, kind: ControlKind, endsAt: ContinuousClock.Instant) -> Hold? {
        state.withLock { state in
            guard state.holds[id] == nil else { return nil }
            state.next += 1
            let hold = Hold(kind: kind, number: state.next, endsAt: endsAt)
            state.holds[id] = hold
            return hold
        }
    }

    /// Ends `hold` on `id` (nothing when another hold replaced it).
    func release(_ id: SessionID, _ hold: Hold) {
        state.withLock { state in
            if state.holds[id]?.number == hold.number { state.holds[id] = nil }
        }
    }

    /// The refusal of a change to `id` while it is held, or nil.
    public func refusal(for id: SessionID) -> RenderingError? {
        guard let hold = state.withLock({ $0.holds[id] }) else { return nil }
        return .sessionHeld(kind: hold.kind, retryAfterMs: Self.retryAfterMs(until: hold.endsAt))
    }

    /// Throws the refusal of a change to `id` while it is held.
    public func refuseIfHeld(_ id: SessionID) throws(RenderingError) {
        if let refusal = refusal(for: id) { throw refusal }
    }

    /// Sessions held now.
    public var count: Int { state.withLock { $0.holds.count } }

    /// Milliseconds until `endsAt`, at least 100 (the hold may end earlier, when its holder is done).
    static func retryAfterMs(until endsAt: ContinuousClock.Instant) -> Int {
        max(100, (endsAt - .now).wholeMilliseconds)
    }
}
