import Foundation
import RenderTypes
@testable import Rendering
import SessionContext
import Synchronization
import Testing
import TestSupport

/// The ledger's part of admitting renders across nodes (the database's part is
/// `ClusterBackendTests.renderAdmissionsNeverOvershootATenantsCountLimitsAcrossNodes`, the whole
/// path `ClusterUsageTests`): what it asks the shared store, what it does with a refusal, and that a
/// render which never got a context is given back once, also after a failed flush.
@Suite struct UsageLedgerAdmissionTests {
    /// A shared usage store in memory that counts admissions against the limits it is given, as
    /// `tidepool_admit_render` does, and can be told to fail.
    final class CountingStore: SharedUsageStore {
        struct State {
            var admitted: [UsageKey: Int] = [:]
            var admitCalls = 0
            var refunds: [UsageKey: Int] = [:]
            var failRefunds = false
            var failAdmissions = false
        }

        let state = Mutex(State())

        func loadUsage(forgettingMinutesBefore minutesSince: Int) async throws(SessionError) -> [UsageKey: UsageFigures] { [:] }
        func addUsage(_ deltas: [UsageKey: UsageFigures]) async throws(SessionError) {}
        func currentUsage(minute: Int, day: Int, month: Int) async throws(SessionError) -> [UsageKey: UsageFigures] { [:] }

        func admitRender(tenant: TenantID, minute: String, minuteLimit: Int?, day: String, dayLimit: Int?) async throws(SessionError)
            -> RenderAdmission
        {
            let outcome: RenderAdmission? = state.withLock { s in
                s.admitCalls += 1
                guard !s.failAdmissions else { return nil }
                let (m, d) = (UsageKey(tenant: tenant, scope: .minute, key: minute), UsageKey(tenant: tenant, scope: .day, key: day))
                if let minuteLimit, s.admitted[m, default: 0] >= minuteLimit { return .refused(scope: .minute, used: s.admitted[m, default: 0]) }
                if let dayLimit, s.admitted[d, default: 0] >= dayLimit { return .refused(scope: .day, used: s.admitted[d, default: 0]) }
                s.admitted[m, default: 0] += 1
                s.admitted[d, default: 0] += 1
                return .admitted
            }
            guard let outcome else { throw .backend("the test's database is down") }
            return outcome
        }

        func refundRenders(_ count: Int, of key: UsageKey) async throws(SessionError) {
            let failed = state.withLock { s in
                guard !s.failRefunds else { return true }
                s.refunds[key, default: 0] += count
                s.admitted[key, default: 0] -= count
                return false
            }
            if failed { throw .backend("the test's database is down") }
        }
    }

    let acme = TenantID("acme")!

    func ledger(_ store: CountingStore, limits: TenantLimits) -> UsageLedger {
        let ledger = UsageLedger(store: store, logger: testLogger())
        ledger.setLimits([acme: limits])
        return ledger
    }

    @Test func aRefusalAcrossNodesGivesTheLocalPlaceBackAndNamesTheLimit() async throws {
        let store = CountingStore()
        let ledger = ledger(store, limits: TenantLimits(rendersPerDay: 2))
        let first = try await ledger.admitAcrossNodes(try ledger.admit(acme))
        #expect(first.acrossNodes)
        ledger.settle(first, spent: UsageFigures(renders: 1))
        // Another node's render took the day's last place meanwhile: this node counts 1 of 2, the
        // store 2 of 2.
        store.state.withLock { s in for key in s.admitted.keys { s.admitted[key]! += 1 } }
        let local = try ledger.admit(acme)
        do {
            _ = try await ledger.admitAcrossNodes(local)
            Issue.record("admitted over the limit")
        } catch {
            guard case .budgetExceeded("renders_per_day", let limit, let used, _) = error else { throw error }
            #expect(limit == 2 && used == 2, "\(error)")
        }
        #expect(store.state.withLock { $0.admitCalls } == 2)
        #expect(ledger.running(acme) == 0, "the refused render holds no place")
    }

    @Test func aRenderThatNeverGotAContextIsGivenBackOnceEvenAfterAFailedFlush() async throws {
        let store = CountingStore()
        let ledger = ledger(store, limits: TenantLimits(rendersPerMinute: 10, rendersPerDay: 10))
        let ticket = try await ledger.admitAcrossNodes(try ledger.admit(acme))
        ledger.settle(ticket, spent: nil)
        store.state.withLock { $0.failRefunds = true }
        await ledger.flush()
        #expect(store.state.withLock { $0.refunds.isEmpty })
        store.state.withLock { $0.failRefunds = false }
        await ledger.flush()
        await ledger.flush()
        let refunds = store.state.withLock { $0.refunds }
        #expect(refunds.count == 2 && refunds.values.allSatisfy { $0 == 1 }, "the minute and the day, once each: \(refunds)")
        // A render that got its context is not given back.
        let counted = try await ledger.admitAcrossNodes(try ledger.admit(acme))
        ledger.settle(counted, spent: UsageFigures(renders: 1))
        await ledger.flush()
        #expect(store.state.withLock { $0.refunds } == refunds)
    }

    @Test func withoutCountLimitsOrWithTheDatabaseDownTheNodesOwnCountDecides() async throws {
        let store = CountingStore()
        let unlimited = ledger(store, limits: TenantLimits(concurrentRenders: 5))
        let plain = try await unlimited.admitAcrossNodes(try unlimited.admit(acme))
        #expect(!plain.acrossNodes && store.state.withLock { $0.admitCalls } == 0, "no count limit: the database is not asked")
        unlimited.settle(plain, spent: nil)

        store.state.withLock { $0.failAdmissions = true }
        let limited = ledger(store, limits: TenantLimits(rendersPerDay: 1))
        let admitted = try await limited.admitAcrossNodes(try limited.admit(acme))
        #expect(!admitted.acrossNodes, "admitted by this node's count")
        // This node's own count still holds the limit.
        #expect(throws: TenantLimitError.self) { _ = try limited.admit(acme) }
        limited.settle(admitted, spent: nil)
        await limited.flush()
        #expect(store.state.withLock { $0.refunds.isEmpty }, "nothing to give back: the database never counted it")
    }
}
