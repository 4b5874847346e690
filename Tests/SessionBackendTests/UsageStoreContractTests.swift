import Foundation
import RenderTypes
import SessionContext
import Testing
import TestSupport

/// What every backend does with usage totals (`UsageStore`): batches add to what is stored, a
/// second read sees the sum, minute rows older than asked and rows of gone sessions are forgotten.
@Suite struct UsageStoreContractTests {
    let now = Date(timeIntervalSince1970: 1_767_225_600)
    let acme = TenantID("acme")!
    let globex = TenantID("globex")!

    func store(_ backend: AnySessionBackend) throws -> any UsageStore {
        try #require(backend.base as? any UsageStore)
    }

    @Test(arguments: BackendKind.allCases)
    func batchesAddUpAndSurviveAReread(kind: BackendKind) async throws {
        try await withBackend(kind) { backend async throws in
            let usage = try store(backend)
            let day = UsageKey(tenant: acme, scope: .day, key: "1767225600")
            let otherDay = UsageKey(tenant: globex, scope: .day, key: "1767225600")
            let one = UsageFigures(browserMs: 120, bytesIn: 5_000, bytesOut: 600, renders: 1)
            try await usage.addUsage([day: one, otherDay: one])
            try await usage.addUsage([day: one + one])
            let totals = try await usage.loadUsage(forgettingMinutesBefore: 0)
            #expect(totals[day] == UsageFigures(browserMs: 360, bytesIn: 15_000, bytesOut: 1_800, renders: 3))
            #expect(totals[otherDay] == one)
            #expect(totals.count == 2)
            try await usage.addUsage([:])
            #expect(try await usage.loadUsage(forgettingMinutesBefore: 0) == totals)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func oldMinutesAndGoneSessionsAreForgotten(kind: BackendKind) async throws {
        try await withBackend(kind) { backend async throws in
            let usage = try store(backend)
            let kept = try SessionID(validating: "kept", tenant: acme)
            try await backend.put(RpcSessionContext(sessionId: kept, config: SessionConfig(ttlSeconds: 60), now: now))
            let gone = try SessionID(validating: "gone", tenant: acme)
            // Same id, other tenant: its session does not exist, so neither do its totals.
            let elsewhere = try SessionID(validating: "kept", tenant: globex)
            let one = UsageFigures(browserMs: 1, bytesIn: 2, bytesOut: 3, renders: 1)
            let old = UsageKey(tenant: acme, scope: .minute, key: "1000")
            let recent = UsageKey(tenant: acme, scope: .minute, key: "5000")
            try await usage.addUsage([
                old: one, recent: one, .session(kept): one, .session(gone): one, .session(elsewhere): one,
            ])
            let totals = try await usage.loadUsage(forgettingMinutesBefore: 2000)
            #expect(Set(totals.keys) == [recent, .session(kept)])
            #expect(Set(try await usage.loadUsage(forgettingMinutesBefore: 0).keys) == [recent, .session(kept)])
        }
    }
}
