import Foundation
import RenderTypes
import SessionContext
import SessionContextPostgres
import Testing
import TestSupport

/// The cluster's coordination in PostgreSQL, two nodes (backends with pools of their own) on one
/// database: session leases with fencing tokens, placement, the creation gate, heartbeats.
@Suite struct ClusterBackendTests {
    let now = Date(timeIntervalSince1970: 1_767_225_600)

    /// Runs `body` with two backends on one fresh database holding session "s", closed afterwards.
    func withTwoNodes(_ body: (PostgresSessionBackend, PostgresSessionBackend) async throws -> Void) async throws {
        try await TestPostgres.withDatabase { url in
            let a = try await TestPostgres.backend(url: url)
            let b = try await TestPostgres.backend(url: url)
            do {
                try await a.put(RpcSessionContext(sessionId: "s", now: now))
                try await body(a, b)
                try await a.close()
                try await b.close()
            } catch {
                try? await a.close()
                try? await b.close()
                throw error
            }
        }
    }

    /// The lease of a grant, failing the test when the lease was held.
    func granted(_ attempt: LeaseAttempt, sourceLocation: SourceLocation = #_sourceLocation) throws -> (SessionLease, RpcSessionContext) {
        guard case .granted(let lease, let session) = attempt else {
            Issue.record("expected a grant, got \(attempt)", sourceLocation: sourceLocation)
            throw CancellationError()
        }
        return (lease, session)
    }

    @Test func aHeldLeaseIsRefusedToAnotherNodeUntilReleased() async throws {
        try await withTwoNodes { a, b in
            let (lease, session) = try granted(try await a.acquireLease("s", holder: "a", duration: .seconds(30), claimingOwnership: false))
            #expect(session.sessionId == "s")
            #expect(try await b.acquireLease("s", holder: "b", duration: .seconds(30), claimingOwnership: false) == .held(by: "a"))
            try await a.releaseLease(lease)
            let (next, _) = try granted(try await b.acquireLease("s", holder: "b", duration: .seconds(30), claimingOwnership: false))
            #expect(next.holder == "b")
            #expect(next.token > lease.token, "every grant has a higher fencing token")
        }
    }

    @Test func aLeaseRunsOutByItselfWhenItsHolderStopsRenewing() async throws {
        try await withTwoNodes { a, b in
            // Long enough that the other node's first try comes before it runs out even on a loaded
            // machine (300 ms did not, once, under CI's parallel tests); the try is judged only then.
            let duration = Duration.seconds(3)
            let started = ContinuousClock.now
            let (lease, _) = try granted(try await a.acquireLease("s", holder: "a", duration: duration, claimingOwnership: false))
            let early = try await b.acquireLease("s", holder: "b", duration: .seconds(30), claimingOwnership: false)
            if ContinuousClock.now - started < duration {
                #expect(early == .held(by: "a"))
            }
            try await Task.sleep(until: started + duration + .milliseconds(500))
            let (taken, _) = try granted(try await b.acquireLease("s", holder: "b", duration: .seconds(30), claimingOwnership: false))
            #expect(taken.token > lease.token)
            #expect(try await a.renewLease(lease, duration: .seconds(30)) == false, "a lease another node took is not renewed")
        }
    }

    @Test func renewingKeepsALeaseBeyondItsFirstDuration() async throws {
        try await withTwoNodes { a, b in
            // Renewed every half of its duration, three times: it outlives its first duration by half
            // again, with a second of slack per renewal for a loaded machine.
            let (lease, _) = try granted(try await a.acquireLease("s", holder: "a", duration: .seconds(2), claimingOwnership: false))
            for _ in 0..<3 {
                try await Task.sleep(for: .seconds(1))
                #expect(try await a.renewLease(lease, duration: .seconds(2)))
            }
            #expect(try await b.acquireLease("s", holder: "b", duration: .seconds(30), claimingOwnership: false) == .held(by: "a"))
        }
    }

    @Test func aWriteCarryingAStaleFencingTokenIsRefusedAndChangesNothing() async throws {
        try await withTwoNodes { a, b in
            // Node a's lease runs out while it "renders"; node b takes the session and writes.
            let (stale, _) = try granted(try await a.acquireLease("s", holder: "a", duration: .milliseconds(200), claimingOwnership: false))
            try await Task.sleep(for: .milliseconds(300))
            let (fresh, _) = try granted(try await b.acquireLease("s", holder: "b", duration: .seconds(30), claimingOwnership: false))
            try await b.update("s", fencedBy: SessionFence(lease: fresh, releasing: false)) { (record: inout RpcSessionContext?) in
                record?.cookies = [Cookie(name: "winner", value: "b", domain: "x.test")]
            }
            // Node a's late write-back arrives: refused, never applied.
            var ran = false
            await #expect(throws: SessionError.leaseLost("s")) {
                try await a.modify("s", fencedBy: SessionFence(lease: stale, releasing: true)) { (record: inout RpcSessionContext?) in
                    ran = true
                    record?.cookies = [Cookie(name: "loser", value: "a", domain: "x.test")]
                }
            }
            #expect(!ran, "the refused write's body never ran")
            #expect(try await b.load("s")?.cookies.map(\.name) == ["winner"])
            #expect(try await b.renewLease(fresh, duration: .seconds(30)), "the refusal left the newer lease alone")
        }
    }

    @Test func aReleasingWriteEndsTheLeaseInTheSameTransaction() async throws {
        try await withTwoNodes { a, b in
            let (lease, _) = try granted(try await a.acquireLease("s", holder: "a", duration: .seconds(30), claimingOwnership: false))
            try await a.modify("s", fencedBy: SessionFence(lease: lease, releasing: true)) { (record: inout RpcSessionContext?) in
                record?.requestCount = 7
            }
            let (next, session) = try granted(try await b.acquireLease("s", holder: "b", duration: .seconds(30), claimingOwnership: false))
            #expect(session.requestCount == 7, "the grant reads what the previous holder wrote")
            // A write under a lease that already ended is refused too.
            await #expect(throws: SessionError.leaseLost("s")) {
                try await a.modify("s", fencedBy: SessionFence(lease: lease, releasing: false)) { _ in }
            }
            // An unchanged record still ends the lease.
            try await b.modify("s", fencedBy: SessionFence(lease: next, releasing: true)) { _ in }
            _ = try granted(try await a.acquireLease("s", holder: "a", duration: .seconds(30), claimingOwnership: false))
        }
    }

    @Test func fencingTokensGrowAcrossSessionsAndAcrossASessionCreatedAgain() async throws {
        try await withTwoNodes { a, _ in
            let (first, _) = try granted(try await a.acquireLease("s", holder: "a", duration: .seconds(30), claimingOwnership: false))
            _ = try await a.delete("s")
            try await a.put(RpcSessionContext(sessionId: "s", now: now))
            try await a.put(RpcSessionContext(sessionId: "t", now: now))
            let (second, _) = try granted(try await a.acquireLease("t", holder: "a", duration: .seconds(30), claimingOwnership: false))
            let (third, _) = try granted(try await a.acquireLease("s", holder: "a", duration: .seconds(30), claimingOwnership: false))
            #expect(first.token < second.token && second.token < third.token)
            // The first lease was of the deleted session: its write must not reach the new one.
            await #expect(throws: SessionError.leaseLost("s")) {
                try await a.modify("s", fencedBy: SessionFence(lease: first, releasing: true)) { _ in }
            }
        }
    }

    @Test func aLeaseOfASessionThatDoesNotExistIsNotFound() async throws {
        try await withTwoNodes { a, _ in
            await #expect(throws: SessionError.notFound("ghost")) {
                try await a.acquireLease("ghost", holder: "a", duration: .seconds(1), claimingOwnership: true)
            }
        }
    }

    @Test func theHolderClaimingOwnershipBecomesTheOwnerPlacementReads() async throws {
        try await withTwoNodes { a, b in
            try await a.put(RpcSessionContext(sessionId: "warm", now: now, profile: "p1", keepWarm: true))
            #expect(try await b.placement(of: "warm") == SessionPlacement(profile: "p1", keepWarm: true, owner: nil))
            let (lease, _) = try granted(try await a.acquireLease("warm", holder: "node-a", duration: .seconds(30), claimingOwnership: true))
            try await a.releaseLease(lease)
            #expect(try await b.placement(of: "warm")?.owner == "node-a")
            // A grant without a claim leaves the owner as it was.
            _ = try granted(try await b.acquireLease("warm", holder: "node-b", duration: .seconds(30), claimingOwnership: false))
            #expect(try await b.placement(of: "warm")?.owner == "node-a")
            #expect(try await b.placement(of: "nobody") == nil)
        }
    }

    @Test func creationsCheckedInsideTheGateNeverOvershootACapAcrossNodes() async throws {
        try await withTwoNodes { a, b in
            let cap = 7
            let created = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<40 {
                    let node = index.isMultiple(of: 2) ? a : b
                    let now = self.now
                    group.addTask {
                        try await node.withCreationGate { stored in
                            guard stored < cap else { return false }
                            return try await node.insert(RpcSessionContext(sessionId: SessionID("c\(index)")!, now: now))
                        }
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(created == cap - 1, "session s was there first")
            #expect(try await a.count() == cap)
        }
    }

    @Test func aRefusalInsideTheGateReachesTheCallerAsItIs() async throws {
        struct Full: Error, Equatable {}
        try await withTwoNodes { a, _ in
            await #expect(throws: Full()) { try await a.withCreationGate { _ -> Bool in throw Full() } }
            let stored = try await a.withCreationGate { $0 }
            #expect(stored == 1, "the gate is free again")
        }
    }

    @Test func renderAdmissionsNeverOvershootATenantsCountLimitsAcrossNodes() async throws {
        try await withTwoNodes { a, b in
            let acme = TenantID("acme")!
            let (minute, day) = ("1767225600", "1767225600")
            // 40 admissions at once from two nodes against 7 a day: exactly 7.
            let outcomes = try await withThrowingTaskGroup(of: RenderAdmission.self) { group in
                for index in 0..<40 {
                    let node = index.isMultiple(of: 2) ? a : b
                    group.addTask {
                        try await node.admitRender(tenant: acme, minute: minute, minuteLimit: 100, day: day, dayLimit: 7)
                    }
                }
                return try await group.reduce(into: [RenderAdmission]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == .admitted }.count == 7)
            #expect(outcomes.filter { $0 == .refused(scope: .day, used: 7) }.count == 33, "\(outcomes)")
            // The minute's limit refuses first when it is the lower; another tenant counts apart.
            #expect(try await b.admitRender(tenant: acme, minute: minute, minuteLimit: 7, day: day, dayLimit: nil) == .refused(scope: .minute, used: 7))
            let globex = TenantID("globex")!
            #expect(try await a.admitRender(tenant: globex, minute: minute, minuteLimit: 1, day: day, dayLimit: 1) == .admitted)
            // Renders that never got a context are given back: room for as many again, no more.
            try await a.refundRenders(2, of: UsageKey(tenant: acme, scope: .minute, key: minute))
            try await a.refundRenders(2, of: UsageKey(tenant: acme, scope: .day, key: day))
            #expect(try await b.admitRender(tenant: acme, minute: minute, minuteLimit: nil, day: day, dayLimit: 7) == .admitted)
            #expect(try await a.admitRender(tenant: acme, minute: minute, minuteLimit: nil, day: day, dayLimit: 7) == .admitted)
            #expect(try await a.admitRender(tenant: acme, minute: minute, minuteLimit: nil, day: day, dayLimit: 7) == .refused(scope: .day, used: 7))
            // A new minute starts from nothing; a new day from what the usage totals hold for it.
            let (nextDay, nextMinute) = ("1767312000", "1767312000")
            try await a.addUsage([UsageKey(tenant: acme, scope: .day, key: nextDay): UsageFigures(renders: 3)])
            #expect(try await b.admitRender(tenant: acme, minute: nextMinute, minuteLimit: nil, day: nextDay, dayLimit: 4) == .admitted)
            #expect(try await b.admitRender(tenant: acme, minute: nextMinute, minuteLimit: nil, day: nextDay, dayLimit: 4) == .refused(scope: .day, used: 4))
        }
    }

    @Test func heartbeatsShowEveryNodeAndALeavingNodeDisappears() async throws {
        try await withTwoNodes { a, b in
            _ = try await a.heartbeat(NodeHeartbeat(nodeID: "a", advertiseURL: "http://127.0.0.1:1", load: 0.5, browsers: 2))
            let seen = try await b.heartbeat(NodeHeartbeat(nodeID: "b", advertiseURL: "http://127.0.0.1:2", load: 0, browsers: 1))
            #expect(seen.map(\.nodeID) == ["a", "b"])
            let nodeA = try #require(seen.first)
            #expect(nodeA.advertiseURL == "http://127.0.0.1:1")
            #expect(nodeA.load == 0.5)
            #expect(nodeA.browsers == 2)
            #expect(seen.last?.secondsSinceHeartbeat == 0, "the node's own heartbeat is this instant's")
            try await Task.sleep(for: .milliseconds(300))
            let later = try await b.nodes()
            #expect((later.first?.secondsSinceHeartbeat ?? 0) >= 0.25, "silence is measured on the database's clock")
            try await a.leave(nodeID: "a")
            #expect(try await b.nodes().map(\.nodeID) == ["b"])
        }
    }
}
