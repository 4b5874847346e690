public import Foundation
import RenderTypes
public import Synchronization

/// Sessions in process memory, in `shardCount` independently locked shards picked by the id's
/// hash: tasks working on different sessions rarely wait for each other, and no lock covers the
/// whole map. Nothing awaits inside, so calls never suspend.
///
public final class InMemorySessionBackend: SessionBackend {
    @usableFromInline let shards: [Shard]
    @usableFromInline let shardMask: Int
    private let expiredCleaned = Mutex<[TenantID: Int]>([:])
    /// Usage totals (`UsageStore`).
    let usageRows = Mutex<[UsageKey: UsageFigures]>([:])

    /// A backend with `shardCount` shards (rounded up to a power of two, at least 1).
    public init(shardCount: Int = 64) {
        var count = 1
        while count < shardCount { count <<= 1 }
        shards = (0..<count).map { _ in Shard() }
        shardMask = count - 1
    }

    @inlinable
    func shard(_ id: SessionID) -> Shard {
        shards[id.shardHash & shardMask]
    }

    public func load(_ id: SessionID) async throws(SessionError) -> RpcSessionContext? {
        shard(id).table.withLock { $0.record(id) }
    }

    @inlinable
    public func modify<R: Sendable>(
        _ id: SessionID, _ body: (inout RpcSessionContext?) -> R
    ) async throws(SessionError) -> R {
        shard(id).table.withLock { (table: inout ShardTable) -> sending R in
            table.modify(id, body)
        }
    }

    public func list(in tenant: TenantID, after cursor: SessionID?, limit: Int, liveAt: Date?) async throws(SessionError)
        -> [RpcSessionContext]
    {
        guard limit > 0 else { return [] }
        let after = cursor?.inTenant(tenant)
        var candidates: [RpcSessionContext] = []
        for shard in shards {
            let page = shard.table.withLock { table in
                table.firstRecords(in: tenant, after: after, limit: limit, liveAt: liveAt)
            }
            candidates += page
        }
        candidates.sort { $0.sessionId < $1.sessionId }
        return Array(candidates.prefix(limit))
    }

    public func deleteExpired(now: Date, limit: Int, tenant: TenantID?) async throws(SessionError) -> [RemovedSession] {
        var removed: [RemovedSession] = []
        for shard in shards where removed.count < limit {
            let budget = limit - removed.count
            removed += shard.table.withLock { $0.removeExpired(now: now, limit: budget, tenant: tenant) }
        }
        expiredCleaned.withLock { counts in
            for session in removed { counts[session.id.tenant, default: 0] += 1 }
        }
        return removed
    }

    public func summary(now: Date, tenant: TenantID?) async throws(SessionError) -> SessionSummary {
        var summary = SessionSummary()
        for shard in shards {
            summary.merge(shard.table.withLock { $0.summary(now: now, tenant: tenant) })
        }
        summary.expiredCleaned = expiredCleaned.withLock { counts in
            tenant.map { counts[$0] ?? 0 } ?? counts.values.reduce(0, +)
        }
        return summary
    }

    public func delete(_ id: SessionID) async throws(SessionError) -> RpcSessionContext? {
        shard(id).table.withLock { $0.remove(id) }
    }

    public func count() async throws(SessionError) -> Int {
        shards.reduce(0) { total, shard in total + shard.table.withLock { $0.records.count } }
    }

    /// Nothing to release; the records stay readable.
    public func close() async throws(SessionError) {}
}

/// One lock and its table. A class so the lock has a stable address; padded to two cache lines so
/// two shards' locks never share one.
@usableFromInline
final class Shard: Sendable {
    @usableFromInline let table = Mutex(ShardTable())
    private let padding: (Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
}

/// One shard's sessions. The records are copy-on-write boxes, so the dictionary's buckets stay
/// small (id + one reference) and `modify` hands a record to its body in place.
@usableFromInline
struct ShardTable {
    @usableFromInline var records: [SessionID: RpcSessionContext] = [:]

    @usableFromInline
    init() {}

    func record(_ id: SessionID) -> RpcSessionContext? {
        records[id]
    }

    /// Hands `body` the stored record in place (no copy); what it leaves is stored.
    @inlinable
    mutating func modify<R>(_ id: SessionID, _ body: (inout RpcSessionContext?) -> R) -> R {
        let result = body(&records[id])
        if let storedID = records[id]?.sessionId {
            precondition(storedID == id, "a change may not replace the session id")
        }
        return result
    }

    mutating func remove(_ id: SessionID) -> RpcSessionContext? {
        records.removeValue(forKey: id)
    }

    func firstRecords(in tenant: TenantID, after cursor: SessionID?, limit: Int, liveAt: Date?) -> [RpcSessionContext] {
        var matching: [RpcSessionContext] = []
        for record in records.values where record.sessionId.tenant == tenant {
            if let cursor, !(cursor < record.sessionId) { continue }
            if let liveAt, record.isExpired(at: liveAt) { continue }
            matching.append(record)
        }
        if matching.count > limit {
            matching.sort { $0.sessionId < $1.sessionId }
            matching.removeSubrange(limit...)
        }
        return matching
    }

    mutating func removeExpired(now: Date, limit: Int, tenant: TenantID?) -> [RemovedSession] {
        var removed: [RemovedSession] = []
        for record in records.values
        where removed.count < limit && record.isExpired(at: now) && (tenant == nil || record.sessionId.tenant == tenant) {
            removed.append(RemovedSession(id: record.sessionId, profile: record.profile))
        }
        for session in removed {
            records.removeValue(forKey: session.id)
        }
        return removed
    }

    func summary(now: Date, tenant: TenantID?) -> SessionSummary {
        var summary = SessionSummary()
        for record in records.values where tenant == nil || record.sessionId.tenant == tenant {
            summary.add(record, now: now)
        }
        return summary
    }
}
