import AsyncSupport
public import CoreMetrics
public import Foundation
public import Logging
public import RenderTypes
public import SessionContext
import Synchronization

/// Usage per tenant and per session, and the tenants' limits (SPEC *Tenants*).
///
/// Renders are admitted here before anything is leased: `admit` checks the tenant's limits and
/// reserves the render (a concurrency slot, one render of its minute and day) in one step under
/// one lock, so concurrent calls can never all pass the same count; `settle` ends the reservation
/// with what the render spent. Totals live in memory (this node's view) and reach the session
/// store in batches: `flush` writes what was added since the last one in one write (the server
/// flushes every `flushInterval` and on graceful shutdown), so a render pays no database round trip.
/// A process killed with SIGKILL loses at most what was added since the last flush.
///
/// With a store several nodes share (`SharedUsageStore`), each flush also reads the current minute's,
/// day's and month's totals as every node wrote them: `usage.get` and the limit checks see the
/// cluster's renders a flush interval late at most. Renders admitted on other nodes within that
/// interval are not seen yet, so a budget can be overshot by them (never on one node); a session's
/// totals stay this node's.
public final class UsageLedger: Sendable {
    /// What a render was admitted with, to be handed back to `settle` once.
    public struct Ticket: Sendable {
        public let tenant: TenantID
        /// The session the render runs in, if any.
        public let session: SessionID?
        let minute: UsageKey
        let day: UsageKey
        let month: UsageKey
        /// Counted in the shared store's admissions (`admitAcrossNodes`): given back there if the
        /// render never gets a context.
        fileprivate(set) var acrossNodes = false
    }

    private struct State {
        /// Totals: what the store held when loaded, plus everything added since.
        var totals: [UsageKey: UsageFigures] = [:]
        /// Added since the last flush.
        var pending: [UsageKey: UsageFigures] = [:]
        var loaded = false
        var running: [TenantID: Int] = [:]
        /// Renders admitted and not yet settled, by the minute and day they count in.
        var reserved: [UsageKey: Int] = [:]
        var limits: [TenantID: TenantLimits] = [:]
        /// The month of the last day asked about (computing a month takes a calendar).
        var month: (day: Int, bounds: (start: Int, end: Int))?
        /// The minute old minute totals were last forgotten in.
        var forgotten = 0
        /// Renders admitted across nodes that never got a context, to give back at the next flush.
        var refunds: [UsageKey: Int] = [:]
        /// When a failed admission across nodes was last logged (one line a minute at most).
        var admissionWarned: Date?
    }

    private let state = Mutex(State())
    private let store: (any UsageStore)?
    private let flushLock = SerialLock(maxWaiters: 16)
    let clock: any WallClock
    let metrics: TenantMetrics
    let logger: Logger

    /// A ledger writing to `store` (nil: totals only in memory, lost at exit).
    public init(
        store: (any UsageStore)?, clock: any WallClock = SystemWallClock(),
        metrics: any MetricsFactory = NOOPMetricsHandler.instance, logger: Logger
    ) {
        self.store = store
        self.clock = clock
        self.metrics = TenantMetrics(factory: metrics)
        self.logger = logger
    }

    // MARK: Limits

    /// Applies `limits` from now on (tenants not named are unlimited); renders already admitted run on.
    public func setLimits(_ limits: [TenantID: TenantLimits]) {
        state.withLock { $0.limits = limits.filter { !$0.value.isUnlimited } }
    }

    /// The limits of `tenant`.
    public func limits(for tenant: TenantID) -> TenantLimits {
        state.withLock { $0.limits[tenant] ?? .none }
    }

    /// Counts a refusal of `tenant`'s call by `limit` (in /metrics).
    func recordRefusal(_ error: TenantLimitError, tenant: TenantID) {
        metrics.recordRefusal(error.scope, tenant: tenant)
    }

    // MARK: Renders

    /// Admits a render of `tenant` (in `session`, if any) when its limits allow, reserving its
    /// place; throws `TenantLimitError` naming the first limit it is over, reserving nothing.
    public func admit(_ tenant: TenantID, session: SessionID? = nil) throws(TenantLimitError) -> Ticket {
        let now = clock.now()
        let result: Result<Ticket, TenantLimitError> = state.withLock { s in
            let ticket = Self.ticket(tenant, session: session, at: now, &s)
            let limits = s.limits[tenant] ?? .none
            if !limits.isUnlimited {
                if let refusal = Self.refusal(of: ticket, limits: limits, at: now, s) { return .failure(refusal) }
            }
            s.running[tenant, default: 0] += 1
            s.reserved[ticket.minute, default: 0] += 1
            s.reserved[ticket.day, default: 0] += 1
            return .success(ticket)
        }
        switch result {
        case .success(let ticket): return ticket
        case .failure(let refusal):
            recordRefusal(refusal, tenant: tenant)
            throw refusal
        }
    }

    /// Ends an admitted render: its reservation goes, and what it spent (nil: it never leased a
    /// context, so nothing) is added to its tenant's minute, day and month and to its session.
    public func settle(_ ticket: Ticket, spent usage: UsageFigures?) {
        state.withLock { s in
            s.running[ticket.tenant, default: 1] -= 1
            if s.running[ticket.tenant] == 0 { s.running[ticket.tenant] = nil }
            for key in [ticket.minute, ticket.day] {
                s.reserved[key, default: 1] -= 1
                if s.reserved[key] == 0 { s.reserved[key] = nil }
                if usage == nil, ticket.acrossNodes { s.refunds[key, default: 0] += 1 }
            }
            guard let usage, !usage.isZero else { return }
            var keys = [ticket.minute, ticket.day, ticket.month]
            if let session = ticket.session { keys.append(.session(session)) }
            for key in keys {
                s.totals[key, default: .zero] += usage
                s.pending[key, default: .zero] += usage
            }
        }
        if let usage { metrics.recordSpent(usage, tenant: ticket.tenant) }
    }

    private static func ticket(_ tenant: TenantID, session: SessionID?, at now: Date, _ s: inout State) -> Ticket {
        let day = UsagePeriod.day.bounds(of: now)
        let month: (start: Int, end: Int)
        if let cached = s.month, cached.day == day.start {
            month = cached.bounds
        } else {
            month = UsagePeriod.month.bounds(of: now)
            s.month = (day.start, month)
        }
        let minute = UsagePeriod.minute.bounds(of: now)
        return Ticket(
            tenant: tenant, session: session, minute: UsageKey(tenant: tenant, scope: .minute, key: String(minute.start)),
            day: UsageKey(tenant: tenant, scope: .day, key: String(day.start)),
            month: UsageKey(tenant: tenant, scope: .month, key: String(month.start)))
    }

    /// The first limit a render of `ticket` would be over now, if any.
    private static func refusal(of ticket: Ticket, limits: TenantLimits, at now: Date, _ s: State) -> TenantLimitError? {
        if let limit = limits.concurrentRenders, (s.running[ticket.tenant] ?? 0) >= limit {
            return .rateLimited(scope: "concurrent_renders", limit: limit, retryAfterMs: 1000)
        }
        if let limit = limits.rendersPerMinute {
            let used = (s.totals[ticket.minute]?.renders ?? 0) + (s.reserved[ticket.minute] ?? 0)
            if used >= limit { return minuteRefusal(of: ticket, limit: limit, at: now) }
        }
        let spent = s.totals[ticket.day] ?? .zero
        let resetsAt = dayEnd(of: ticket)
        if let limit = limits.rendersPerDay {
            let used = spent.renders + (s.reserved[ticket.day] ?? 0)
            if used >= limit { return .budgetExceeded(scope: "renders_per_day", limit: limit, used: used, resetsAt: resetsAt) }
        }
        if let limit = limits.browserSecondsPerDay, spent.browserMs >= limit * 1000 {
            return .budgetExceeded(scope: "browser_seconds_per_day", limit: limit, used: spent.browserMs / 1000, resetsAt: resetsAt)
        }
        if let limit = limits.bytesPerDay, spent.bytesIn + spent.bytesOut >= limit {
            return .budgetExceeded(scope: "bytes_per_day", limit: limit, used: spent.bytesIn + spent.bytesOut, resetsAt: resetsAt)
        }
        return nil
    }

    private static func minuteRefusal(of ticket: Ticket, limit: Int, at now: Date) -> TenantLimitError {
        let end = Double((Int(ticket.minute.key) ?? 0) + 60)
        return .rateLimited(
            scope: "renders_per_minute", limit: limit, retryAfterMs: max(1, Int(((end - now.timeIntervalSince1970) * 1000).rounded(.up))))
    }

    private static func dayEnd(of ticket: Ticket) -> Date {
        Date(timeIntervalSince1970: Double((Int(ticket.day.key) ?? 0) + 86_400))
    }

    /// In a cluster (a shared store), admits a render `admit` admitted once more against its
    /// tenant's count limits (`renders_per_minute`, `renders_per_day`) as every node admitted renders,
    /// in one atomic step in the database: those limits are exact across nodes, as on one. A refusal
    /// gives the local reservation back and throws. Without a shared store or count limits, the
    /// ticket is returned as it is; so it is when the database cannot be asked: then this node's own
    /// view decides (the cluster's totals, at most a flush interval late), and that is logged.
    public func admitAcrossNodes(_ ticket: Ticket) async throws(TenantLimitError) -> Ticket {
        let limits = limits(for: ticket.tenant)
        guard let shared = store as? any SharedUsageStore, limits.rendersPerMinute != nil || limits.rendersPerDay != nil else {
            return ticket
        }
        let admission: RenderAdmission
        do {
            admission = try await shared.admitRender(
                tenant: ticket.tenant, minute: ticket.minute.key, minuteLimit: limits.rendersPerMinute, day: ticket.day.key,
                dayLimit: limits.rendersPerDay)
        } catch {
            let now = clock.now()
            let warn = state.withLock { s in
                guard s.admissionWarned.map({ now.timeIntervalSince($0) >= 60 }) ?? true else { return false }
                s.admissionWarned = now
                return true
            }
            if warn {
                logger.warning(
                    "renders admitted by this node's own count of the tenant's limits: the database did not answer (logged once a minute)",
                    metadata: ["tenant": "\(ticket.tenant)", "error": "\(error)"])
            }
            return ticket
        }
        switch admission {
        case .admitted:
            var counted = ticket
            counted.acrossNodes = true
            return counted
        case .refused(let scope, let used):
            settle(ticket, spent: nil)
            let refusal: TenantLimitError =
                scope == .minute
                ? Self.minuteRefusal(of: ticket, limit: limits.rendersPerMinute ?? used, at: clock.now())
                : .budgetExceeded(scope: "renders_per_day", limit: limits.rendersPerDay ?? used, used: used, resetsAt: Self.dayEnd(of: ticket))
            recordRefusal(refusal, tenant: ticket.tenant)
            throw refusal
        }
    }

    // MARK: Reading

    /// `tenant`'s totals for the current `period`, with the period's bounds.
    public func totals(of tenant: TenantID, period: UsagePeriod) -> (usage: UsageFigures, start: Date, end: Date) {
        let bounds = period.bounds(of: clock.now())
        let key = UsageKey(tenant: tenant, scope: UsageKey.Scope(rawValue: period.rawValue)!, key: String(bounds.start))
        let usage = state.withLock { $0.totals[key] ?? .zero }
        return (usage, Date(timeIntervalSince1970: Double(bounds.start)), Date(timeIntervalSince1970: Double(bounds.end)))
    }

    /// The totals of the renders of `session`.
    public func totals(of session: SessionID) -> UsageFigures {
        state.withLock { $0.totals[.session(session)] ?? .zero }
    }

    /// Renders of `tenant` running now.
    public func running(_ tenant: TenantID) -> Int {
        state.withLock { $0.running[tenant] ?? 0 }
    }

    // MARK: Persistence

    /// Reads the stored totals (once; the first flush does it when this was not called or failed).
    /// Without a store, there is nothing to read.
    public func load() async throws(SessionError) {
        try await flushLock.withLockInTurn { () async throws(SessionError) in try await self.loadLocked() }
    }

    private func loadLocked() async throws(SessionError) {
        guard let store, !state.withLock({ $0.loaded }) else { return }
        let minute = UsagePeriod.minute.bounds(of: clock.now()).start
        let stored = try await store.loadUsage(forgettingMinutesBefore: minute - 3600)
        state.withLock { s in
            for (key, figures) in stored { s.totals[key, default: .zero] += figures }
            s.loaded = true
        }
        logger.debug("usage totals read", metadata: ["rows": "\(stored.count)"])
    }

    /// Writes what was added since the last flush in one write (reading the stored totals first, if
    /// not done yet). On failure the figures stay pending for the next flush; returns whether
    /// everything pending was written.
    @discardableResult
    public func flush() async -> Bool {
        guard let store else { return true }
        return await flushLock.withLockInTurn { () async -> Bool in
            do {
                try await self.loadLocked()
            } catch {
                self.logger.warning("usage totals not read yet", metadata: ["error": "\(error)"])
                return false
            }
            await self.giveBackRefunds()
            let batch = self.state.withLock { s -> [UsageKey: UsageFigures] in
                defer { s.pending = [:] }
                return s.pending
            }
            guard !batch.isEmpty else {
                // Nothing of this node's to write; the other nodes' renders are still read.
                if let shared = store as? any SharedUsageStore { await self.refresh(from: shared) }
                return true
            }
            do {
                try await store.addUsage(batch)
            } catch {
                self.state.withLock { s in for (key, figures) in batch { s.pending[key, default: .zero] += figures } }
                self.logger.warning("usage not written yet", metadata: ["error": "\(error)", "rows": "\(batch.count)"])
                return false
            }
            self.metrics.recordWritten(renders: batch.filter { $0.key.scope == .day }.reduce(0) { $0 + $1.value.renders })
            self.forgetOldMinutes()
            if let shared = store as? any SharedUsageStore { await self.refresh(from: shared) }
            return true
        }
    }

    /// Takes the current periods' totals as every node wrote them (plus what this node added since),
    /// in place of this node's own view; a failed read keeps it until the next flush.
    private func refresh(from shared: any SharedUsageStore) async {
        let now = clock.now()
        let (minute, day, month) = (
            UsagePeriod.minute.bounds(of: now).start, UsagePeriod.day.bounds(of: now).start, UsagePeriod.month.bounds(of: now).start
        )
        do {
            let stored = try await shared.currentUsage(minute: minute, day: day, month: month)
            state.withLock { s in
                for (key, figures) in stored { s.totals[key] = figures + (s.pending[key] ?? .zero) }
            }
        } catch {
            logger.debug("the cluster's usage not read", metadata: ["error": "\(error)"])
        }
    }

    /// Gives the shared store's admissions of renders that never got a context back (kept for the
    /// next flush when it fails: meanwhile the limits count them, refusing early, never late).
    private func giveBackRefunds() async {
        guard let shared = store as? any SharedUsageStore else { return }
        let refunds = state.withLock { s -> [UsageKey: Int] in
            defer { s.refunds = [:] }
            return s.refunds
        }
        var failed: [UsageKey: Int] = [:]
        var lastError: (any Error)?
        for (key, count) in refunds {
            do {
                try await shared.refundRenders(count, of: key)
            } catch {
                failed[key] = count
                lastError = error
            }
        }
        guard let lastError else { return }
        state.withLock { s in for (key, count) in failed { s.refunds[key, default: 0] += count } }
        logger.warning("admitted renders not given back yet", metadata: ["error": "\(lastError)", "rows": "\(failed.count)"])
    }

    /// Figures added and not yet written.
    public var pendingCount: Int { state.withLock { $0.pending.count } }

    /// Minute totals older than an hour are of no use to anyone any more (looked for every ten minutes).
    private func forgetOldMinutes() {
        let oldest = UsagePeriod.minute.bounds(of: clock.now()).start - 3600
        state.withLock { s in
            guard s.forgotten < oldest else { return }
            s.forgotten = oldest + 600
            s.totals = s.totals.filter { $0.key.scope != .minute || (Int($0.key.key) ?? 0) >= oldest || s.pending[$0.key] != nil }
        }
    }
}
