import AsyncSupport
import Foundation
@testable import Rendering
import RenderTypes
import SessionContext
import SessionContextPostgres
import SessionContextSQLite
import Synchronization
import Testing
import TestSupport

/// The contract of `SessionTurns` on every backend: the renders of one session take turns, each
/// starting from what the previous one wrote back, and a turn not had by its deadline is refused.
/// Memory and SQLite keep the node-local lock (one node); PostgreSQL adds a lease, so the same holds
/// between two nodes (two services, each over a backend and a pool of its own).
@Suite struct SessionTurnsTests {
    enum Kind: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case memory, sqlite, postgres
        var testDescription: String { rawValue }
    }

    /// One node's view: its store and its turns.
    struct Node: Sendable {
        let store: RpcSessionStore<AnySessionBackend>
        let turns: any SessionTurns
    }

    let now = Date()

    /// Runs `body` with two nodes on one fresh store of `kind` holding session "s" (on one node,
    /// the same node twice), closed afterwards.
    func withNodes(
        _ kind: Kind, database: String? = nil, node: NodeConfiguration = .init(), _ body: ([Node]) async throws -> Void
    ) async throws {
        if kind == .postgres, let url = database {
            let stores = [
                RpcSessionStore(backend: AnySessionBackend(try await TestPostgres.backend(url: url))),
                RpcSessionStore(backend: AnySessionBackend(try await TestPostgres.backend(url: url))),
            ]
            return try await run(stores, node: node, body)
        }
        switch kind {
        case .memory:
            let store = RpcSessionStore(backend: AnySessionBackend(InMemorySessionBackend()))
            try await run([store], node: node, body)
        case .sqlite:
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let store = RpcSessionStore(
                backend: AnySessionBackend(try await SQLiteSessionBackend.open(path: directory.databasePath)))
            try await run([store], node: node, body)
        case .postgres:
            try await TestPostgres.withDatabase { url in
                let stores = [
                    RpcSessionStore(backend: AnySessionBackend(try await TestPostgres.backend(url: url))),
                    RpcSessionStore(backend: AnySessionBackend(try await TestPostgres.backend(url: url))),
                ]
                try await run(stores, node: node, body)
            }
        }
    }

    private func run(
        _ stores: [RpcSessionStore<AnySessionBackend>], node: NodeConfiguration, _ body: ([Node]) async throws -> Void
    ) async throws {
        var nodes: [Node] = []
        for (index, store) in stores.enumerated() {
            var named = node
            named.id = "node-\(index)"
            let service = SessionService(store: store, configuration: SessionsConfiguration(backend: .memory), node: named, logger: testLogger())
            let locks = KeyedLock<SessionID>()
            let turns: any SessionTurns = service.cluster.map { LeasedSessionTurns(locks: locks, cluster: $0) }
                ?? LocalSessionTurns(locks: locks, store: store)
            nodes.append(Node(store: store, turns: turns))
        }
        if nodes.count == 1 { nodes.append(nodes[0]) }
        do {
            try await nodes[0].store.backend.put(RpcSessionContext(sessionId: "s", now: now))
            try await body(nodes)
            for store in stores { try await store.close() }
        } catch {
            for store in stores { try? await store.close() }
            throw error
        }
    }

    @Test(arguments: Kind.allCases)
    func turnsOfOneSessionNeverOverlapAndEachStartsFromThePreviousWriteBack(kind: Kind) async throws {
        try await withNodes(kind) { nodes in
            let probe = OverlapProbe()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<20 {
                    let node = nodes[index % 2]
                    group.addTask {
                        try await node.turns.withTurn("s", deadline: .now + .seconds(60), claimingOwnership: false) { turn in
                            probe.enter()
                            var cookies = try #require(turn.session).cookies
                            try await Task.sleep(for: .milliseconds(5))
                            cookies.append(Cookie(name: "c\(index)", value: "v", domain: "x.test"))
                            // The write-back that ends the lease is the turn's last act: as it commits,
                            // the next turn (on another node) may begin.
                            probe.leave()
                            try await node.store.completeRequest("s", RequestOutcome(cookies: cookies), fence: turn.finalFence)
                            turn.leaseEnded()
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(!probe.overlapped, "two turns of one session ran at once")
            #expect(try await nodes[1].store.backend.load("s")?.cookies.count == 20, "no write-back was lost")
        }
    }

    @Test(arguments: Kind.allCases)
    func aTurnNotHadByItsDeadlineIsRefused(kind: Kind) async throws {
        try await withNodes(kind) { nodes in
            let holding = AsyncLatch<Void>()
            let done = AsyncLatch<Void>()
            let holder = Task {
                try await nodes[0].turns.withTurn("s", deadline: .now + .seconds(30), claimingOwnership: false) { _ in
                    holding.resolve(())
                    _ = await done.wait(timeout: .seconds(30))
                }
            }
            _ = await holding.wait(timeout: .seconds(30))
            await #expect(throws: LockRefusal.timedOut) {
                try await nodes[1].turns.withTurn("s", deadline: .now + .milliseconds(300), claimingOwnership: false) { _ in }
            }
            done.resolve(())
            try await holder.value
            // Free again: the next turn is had at once.
            try await nodes[1].turns.withTurn("s", deadline: .now + .seconds(5), claimingOwnership: false) { _ in }
        }
    }

    @Test(arguments: Kind.allCases)
    func aTurnWhoseBodyFailsLeavesTheSessionToTheNext(kind: Kind) async throws {
        struct Failed: Error {}
        // Leases of ten minutes: the next turn, allowed 20 s, is had only if the failed one released its lease.
        try await withNodes(kind, node: NodeConfiguration(nodeTimeout: .seconds(600), leaseDuration: .seconds(600))) { nodes in
            await #expect(throws: Failed.self) {
                try await nodes[0].turns.withTurn("s", deadline: .now + .seconds(20), claimingOwnership: false) { _ in throw Failed() }
            }
            try await nodes[1].turns.withTurn("s", deadline: .now + .seconds(20), claimingOwnership: false) { turn in
                #expect(turn.session?.sessionId == "s")
            }
        }
    }

    @Test func aLeaseIsRenewedWhileALongRenderHoldsItsTurn() async throws {
        try await withNodes(.postgres, node: NodeConfiguration(leaseDuration: .milliseconds(1500))) { nodes in
            let holding = AsyncLatch<Void>()
            let holder = Task {
                try await nodes[0].turns.withTurn("s", deadline: .now + .seconds(30), claimingOwnership: false) { turn in
                    holding.resolve(())
                    // Three lease durations: only renewal (every 500 ms) keeps the turn.
                    try await Task.sleep(for: .milliseconds(4500))
                    try await nodes[0].store.completeRequest("s", RequestOutcome(url: "https://held.test/"), fence: turn.finalFence)
                    turn.leaseEnded()
                }
            }
            _ = await holding.wait(timeout: .seconds(30))
            // Past the first lease's end: renewed, it still holds.
            try await Task.sleep(for: .milliseconds(2500))
            await #expect(throws: LockRefusal.timedOut) {
                try await nodes[1].turns.withTurn("s", deadline: .now + .milliseconds(400), claimingOwnership: false) { _ in }
            }
            try await holder.value
            #expect(try await nodes[1].store.backend.load("s")?.lastUrl == "https://held.test/", "the long turn's write-back was applied")
        }
    }

    @Test func aLeaseRequestTheDatabaseLeavesUnansweredIsRefusedAtTheDeadlineAndItsLateGrantReleased() async throws {
        try await TestPostgres.withDatabase { url in
            // Leases of ten minutes: the last turn is had only if the late grant was released.
            try await withNodes(.postgres, database: url, node: NodeConfiguration(nodeTimeout: .seconds(600), leaseDuration: .seconds(600))) {
                nodes in
                // Another client locks the session's row for 4 s: the lease's UPDATE waits behind it.
                let locker = try Psql.start(url, "BEGIN; SELECT 1 FROM tidepool_sessions WHERE id = 's' FOR UPDATE; SELECT pg_sleep(4); COMMIT;")
                defer { locker.waitUntilExit() }
                try await Psql.waitUntil(url, "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND datname = current_database()", is: "1")
                // Without an answer by its deadline the turn is refused then, not when the row is free.
                await #expect(throws: LockRefusal.timedOut) {
                    try await nodes[1].turns.withTurn("s", deadline: .now + .milliseconds(400), claimingOwnership: false) { _ in
                        Issue.record("the turn ran although its deadline passed while the database had not answered")
                    }
                }
                try await nodes[0].turns.withTurn("s", deadline: .now + .seconds(20), claimingOwnership: false) { turn in
                    #expect(turn.session?.sessionId == "s")
                }
            }
        }
    }

    @Test func aTurnThatClaimsOwnershipMakesItsNodeTheOwner() async throws {
        try await withNodes(.postgres) { nodes in
            try await nodes[1].turns.withTurn("s", deadline: .now + .seconds(5), claimingOwnership: true) { _ in }
            let cluster = try #require(nodes[0].store.cluster)
            #expect(try await cluster.placement(of: "s")?.owner == "node-1")
        }
    }
}

/// Counts the bodies running at once and remembers whether two ever did.
private final class OverlapProbe: Sendable {
    private let state = Mutex((inside: 0, overlapped: false))

    func enter() {
        state.withLock { state in
            state.inside += 1
            if state.inside > 1 { state.overlapped = true }
        }
    }

    func leave() {
        state.withLock { $0.inside -= 1 }
    }

    var overlapped: Bool { state.withLock { $0.overlapped } }
}

/// `psql` on a test database, for what the backends never do themselves (holding a row lock).
private enum Psql {
    struct Failed: Error, CustomStringConvertible {
        let description: String
    }

    /// Starts `psql` running `sql` (one implicit transaction) in the background.
    static func start(_ url: String, _ sql: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = [url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs `sql` and returns its single value as text.
    static func value(_ url: String, _ sql: String) throws -> String {
        let process = Process()
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = [url, "-X", "-A", "-t", "-c", sql]
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failed(description: "psql failed on \(sql)") }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Asks `sql` every 50 ms until it answers `expected` (at most 20 s).
    static func waitUntil(_ url: String, _ sql: String, is expected: String) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while try value(url, sql) != expected {
            guard ContinuousClock.now < deadline else { throw Failed(description: "\(sql) never answered \(expected)") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

