import Headless
import Logging
import RenderTypes
import Synchronization

/// The context of one render without a session that may be recycled: a context parked for its key
/// when one waits, else a fresh held lease. A parked context serves the render only through its gate
/// (`RecycleGate`); when the gate fails, the context is disposed and the render runs again in a fresh
/// one. After the render, a context whose render stayed on its origin is settled in the background and
/// parked for the next render of the key; any other (the render failed or left its origin, or settling
/// failed) is given back and disposed.
final class RecyclingContextProvider: ContextProvider {
    let recycled: RecycledContexts
    let key: RecycledContexts.Key
    /// What the last attempt ran in.
    private let served = Mutex<RenderIsolation?>(nil)

    init(recycled: RecycledContexts, key: RecycledContexts.Key) {
        self.recycled = recycled
        self.key = key
    }

    /// Whether the render ran in a recycled or a fresh context (nil before it got one).
    var context: RenderIsolation? { served.withLock { $0 } }

    func withContext<T: Sendable>(
        priority: RenderPriority, deadline: ContinuousClock.Instant, proxy: ProxyConfig?,
        _ body: (LeasedContext) async throws -> T
    ) async throws -> T {
        let pool = recycled.pool
        var parked = await recycled.take(key)
        while true {
            let held: HeldLease
            if let parked {
                held = parked.held
            } else {
                do {
                    held = try await pool.checkout(
                        priority: priority, deadline: deadline, options: LeaseOptions(proxy: proxy), spare: true)
                } catch let error as PoolError {
                    throw ContextProviderError(error)
                }
            }
            let uses = parked?.uses ?? 0
            served.withLock { $0 = parked == nil ? .fresh : .recycled }
            recycled.metrics.leased(parked == nil ? .fresh : .recycled)
            let reuse = ContextReuse(.recycle(origin: key.origin))
            let context = LeasedContext(
                page: held.page, browserContextId: held.browserContextId, browserUserAgent: held.browserUserAgent,
                queueDuration: parked == nil ? held.queueDuration : .zero,
                acquireDuration: parked == nil ? held.acquireDuration : .zero, egress: held.egress, reuse: reuse,
                gate: parked?.gate
            )
            do {
                let result = try await body(context)
                switch reuse.result {
                case .resettable(_, let origins?, let scripts)?:
                    recycled.reset(key, held, uses: uses + 1, origins: origins, initScripts: scripts)
                case .resettable(_, nil, _)?:
                    pool.checkin(held)
                case .refused(let reason)?:
                    recycled.metrics.retired(.refused)
                    recycled.logger.debug("context not recycled", metadata: ["origin": "\(key.origin)", "reason": "\(reason)"])
                    pool.checkin(held)
                case nil:
                    pool.checkin(held)
                }
                return result
            } catch {
                // The recycled page could not be shown clean: the render runs again, in a fresh context.
                if let failure = reuse.gateFailure, !Task.isCancelled, ContinuousClock.now < deadline {
                    recycled.metrics.retired(.gate)
                    recycled.logger.info(
                        "recycled context given up at its gate; the render runs in a fresh one",
                        metadata: ["origin": "\(key.origin)", "reason": "\(failure)"])
                    pool.checkin(held)
                    parked = nil
                    continue
                }
                recycled.metrics.retired(.failed)
                if pool.checkin(held) == .crashed, !(error is RenderError) {
                    throw ContextProviderError.browserCrashed("\(held.browser) crashed")
                }
                throw error
            }
        }
    }
}
