public import Egress
public import RenderTypes
import Synchronization

/// A fresh isolated browser context with its one attached page, lent to a render.
public struct LeasedContext: Sendable {
    /// The page, attached (flattened) with `Page.enable` done.
    public let page: CDPSession
    /// The context; nil is the browser's default context (a profile's own browser).
    public let browserContextId: String?
    /// The browser's own user agent (`Browser.getVersion` of its launch): stealth builds on it.
    public let browserUserAgent: String
    /// Time the lease waited in the provider's queue, when it knows.
    public let queueDuration: Duration?
    /// Time from asking until the context was ready (queue and context creation), when it knows.
    public let acquireDuration: Duration?
    /// The context already holds the request's `state` (a session's context kept warm since its last
    /// call): the render does not restore it again, and still reads it back.
    public let holdsState: Bool
    /// The context's egress gate, when its traffic goes through the egress proxy: what it refused.
    public let egress: EgressGate?
    /// Set when the provider may keep the context and its page for another render of the same
    /// origin: the render then resets the page after its capture and says so here.
    public let reuse: ContextReuse?
    /// Set when the page served a render of the same origin before: the render's navigation passes
    /// this gate (`Page.armGate`, `Page.passGate`), or fails with the reason on `reuse`.
    public let gate: RecycleGate?

    public init(
        page: CDPSession, browserContextId: String?, browserUserAgent: String, queueDuration: Duration? = nil,
        acquireDuration: Duration? = nil, holdsState: Bool = false, egress: EgressGate? = nil, reuse: ContextReuse? = nil,
        gate: RecycleGate? = nil
    ) {
        self.gate = gate
        self.page = page
        self.browserContextId = browserContextId
        self.browserUserAgent = browserUserAgent
        self.queueDuration = queueDuration
        self.acquireDuration = acquireDuration
        self.holdsState = holdsState
        self.egress = egress
        self.reuse = reuse
    }
}

/// A context whose page may serve another call after this render: recycled for the next render of
/// one origin (everything of this render cleared), or kept with its state for a keep_warm session's
/// next call (only the render's own settings undone). Set by the provider; the render records whether
/// the page may be reset, and what the reset must undo.
public final class ContextReuse: Sendable {
    /// What the page is kept for.
    public enum Purpose: Sendable, Equatable {
        /// The next render of `origin` (`scheme://host[:port]`): nothing of this render may be left.
        case recycle(origin: String)
        /// The same session's next call: its state stays, the render's page settings go.
        case keepState
    }

    public let purpose: Purpose
    private let outcome = Mutex<Outcome?>(nil)
    private let gateFailed = Mutex<RecycleGateFailure?>(nil)

    /// How the render left the context.
    public enum Outcome: Sendable, Equatable {
        /// The render succeeded and its page may serve the next call: for a recycled page its next
        /// render's gate clears `clearing`, the origins this one contacted (`Page.settleForRecycling`);
        /// a kept page waits on a blank document of `origin` with its state (`clearing` nil,
        /// `Page.resetForReuse`). `initScripts`: the render's init scripts, to remove.
        case resettable(origin: String, clearing: Set<String>?, initScripts: [String])
        /// Not reusable (`reason`).
        case refused(String)
    }

    public init(_ purpose: Purpose) {
        self.purpose = purpose
    }

    /// What the render did with the context; nil when it ended before its capture (an error).
    public var result: Outcome? { outcome.withLock { $0 } }

    func record(_ result: Outcome) {
        outcome.withLock { $0 = result }
    }

    /// Why the render's gate failed (`LeasedContext.gate`): the render may not go on in this context,
    /// and the provider runs it again in a fresh one. Nil when it passed or there was none.
    public var gateFailure: RecycleGateFailure? { gateFailed.withLock { $0 } }

    func recordGateFailure(_ failure: RecycleGateFailure) {
        gateFailed.withLock { $0 = failure }
    }
}

/// Why a provider could not lend a context.
public enum ContextProviderError: Error, Sendable, Hashable {
    /// The queue is full (or the provider refuses more work now).
    case overloaded(queueLength: Int, retryAfterMs: Int)
    /// The deadline passed while waiting for a context.
    case queueTimeout(waitedMs: Int)
    /// The browser died while the context was lent (or being made).
    case browserCrashed(String)
    /// No browser can serve (shutting down, launch failed …).
    case unavailable(String)
}

/// Lends fresh isolated contexts: `BrowserPool`, or the render path's providers (Rendering) for profiles and kept contexts.
/// The context is always disposed when `body` ends, whether it returns, throws or is cancelled.
public protocol ContextProvider: Sendable {
    /// Runs `body` with a fresh context (with `proxy` applied to it, never to other callers), waiting at
    /// most until `deadline`. Provider failures throw `ContextProviderError`; `body`'s errors pass through.
    func withContext<T: Sendable>(
        priority: RenderPriority, deadline: ContinuousClock.Instant, proxy: ProxyConfig?,
        _ body: (LeasedContext) async throws -> T
    ) async throws -> T
}
