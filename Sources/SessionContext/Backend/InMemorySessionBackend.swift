public import Foundation
import Synchronization

/// Sessions in process memory, in `shardCount` independently locked shards picked by the id's
/// hash: tasks working on different sessions rarely wait for each other, and no lock covers the
/// whole map. Nothing awaits inside, so calls never suspend.
///
/// Each shard keeps its records densely in an array with a dictionary from id to slot, which costs
/// far less memory per session than a dictionary of records (whose buckets hold whole records and
/// sit at 38–75% load).
public final class InMemorySessionBackend: SessionBackend {
    private let shards: [Shard]
    private let shardMask: Int
    private let expiredCleaned = Atomic<Int>(0)

    /// A backend with `shardCount` shards (rounded up to a power of two, at least 1).
    public init(shardCount: Int = 64) {
        var count = 1
        while count < shardCount { count <<= 1 }
        shards = (0..<count).map { _ in Shard() }
        shardMask = count - 1
    }

    private func shard(_ id: SessionID) -> Shard {
        shards[id.shardHash & shardMask]
    }

    public func load(_ id: SessionID) async throws(SessionError) -> RpcSessionContext? {
        shard(id).table.withLock { $0.record(id) }
    }

    public func update<R: Sendable>(
        _ id: SessionID, _ body: (inout RpcSessionContext?) throws(SessionError) -> R
    ) async throws(SessionError) -> R {
        try shard(id).table.withLock { (table: inout ShardTable) throws(SessionError) -> sending R in
            try table.update(id, body)
        }
    }

    public func list(after cursor: SessionID?, limit: Int, liveAt: Date?) async throws(SessionError)
        -> [RpcSessionContext]
    {
        guard limit > 0 else { return [] }
        var candidates: [RpcSessionContext] = []
        for shard in shards {
            let page = shard.table.withLock { table in
                table.firstRecords(after: cursor, limit: limit, liveAt: liveAt)
            }
            candidates += page
        }
        candidates.sort { $0.sessionId < $1.sessionId }
        return Array(candidates.prefix(limit))
    }

    public func deleteExpired(now: Date, limit: Int) async throws(SessionError) -> [RemovedSession] {
        var removed: [RemovedSession] = []
        for shard in shards where removed.count < limit {
            let budget = limit - removed.count
            removed += shard.table.withLock { $0.removeExpired(now: now, limit: budget) }
        }
        expiredCleaned.add(removed.count, ordering: .relaxed)
        return removed
    }

    public func summary(now: Date) async throws(SessionError) -> SessionSummary {
        var summary = SessionSummary()
        for shard in shards {
            summary.merge(shard.table.withLock { $0.summary(now: now) })
        }
        summary.expiredCleaned = expiredCleaned.load(ordering: .relaxed)
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
private final class Shard: Sendable {
    let table = Mutex(ShardTable())
    private let padding: (Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
}

/// Records stored densely; `slots` maps an id to its index in `records`. Every element of
/// `records` is non-nil (Optional only so `update` can hand the slot to its body in place).
private struct ShardTable {
    var slots: [SessionID: Int32] = [:]
    var records: [RpcSessionContext?] = []

    func record(_ id: SessionID) -> RpcSessionContext? {
        slots[id].flatMap { records[Int($0)] }
    }

    mutating func update<R>(_ id: SessionID, _ body: (inout RpcSessionContext?) throws(SessionError) -> R)
        throws(SessionError) -> R
    {
        guard let slot = slots[id].map(Int.init) else {
            var created: RpcSessionContext?
            let result = try body(&created)
            if let created {
                try Self.requireSameID(created, id)
                append(created)
            }
            return result
        }
        // The body works on a copy, so a body that throws after changing it leaves the record as it was.
        var working = records[slot]
        let result = try body(&working)
        if let working {
            try Self.requireSameID(working, id)
            records[slot] = working
        } else {
            removeSlot(slot, id: id)
        }
        return result
    }

    private static func requireSameID(_ record: RpcSessionContext, _ id: SessionID) throws(SessionError) {
        guard record.sessionId == id else {
            throw .invalidValue(field: "session_id", reason: "an update may not change the session id")
        }
    }

    mutating func remove(_ id: SessionID) -> RpcSessionContext? {
        guard let slot = slots[id].map(Int.init) else { return nil }
        return removeSlot(slot, id: id)
    }

    private mutating func append(_ record: RpcSessionContext) {
        slots[record.sessionId] = Int32(records.count)
        records.append(record)
    }

    /// Removes the record at `slot` by moving the last record into its place.
    @discardableResult
    private mutating func removeSlot(_ slot: Int, id: SessionID) -> RpcSessionContext? {
        slots.removeValue(forKey: id)
        let last = records.count - 1
        if slot != last {
            records.swapAt(slot, last)
            if let moved = records[slot] { slots[moved.sessionId] = Int32(slot) }
        }
        return records.removeLast()
    }

    func firstRecords(after cursor: SessionID?, limit: Int, liveAt: Date?) -> [RpcSessionContext] {
        var matching: [RpcSessionContext] = []
        for case let record? in records {
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

    mutating func removeExpired(now: Date, limit: Int) -> [RemovedSession] {
        var removed: [RemovedSession] = []
        var slot = records.count - 1
        while slot >= 0, removed.count < limit {
            if let record = records[slot], record.isExpired(at: now) {
                removed.append(RemovedSession(id: record.sessionId, profile: record.profile))
                removeSlot(slot, id: record.sessionId)
            }
            slot -= 1
        }
        return removed
    }

    func summary(now: Date) -> SessionSummary {
        var summary = SessionSummary()
        for case let record? in records {
            summary.add(record, now: now)
        }
        return summary
    }
}
