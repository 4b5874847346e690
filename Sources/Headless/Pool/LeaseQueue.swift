import DequeModule
import RenderTypes

/// Waiting leases: high before normal before low, first-in first-out within one priority. Bounded by
/// the pool (`maxQueue`); removal by id serves deadlines and cancellation.
struct LeaseQueue<Payload> {
    struct Entry {
        let id: UInt64
        let priority: RenderPriority
        let payload: Payload
    }

    private var lanes: [Deque<Entry>] = Array(repeating: [], count: RenderPriority.allCases.count)
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func append(id: UInt64, priority: RenderPriority, payload: Payload) {
        lanes[priority.rank].append(Entry(id: id, priority: priority, payload: payload))
        count += 1
    }

    /// The entry served next.
    var first: Entry? {
        for lane in lanes { if let entry = lane.first { return entry } }
        return nil
    }

    mutating func popFirst() -> Entry? {
        for rank in lanes.indices where !lanes[rank].isEmpty {
            count -= 1
            return lanes[rank].removeFirst()
        }
        return nil
    }

    /// Removes the entry with `id` wherever it waits.
    mutating func remove(id: UInt64) -> Entry? {
        for rank in lanes.indices {
            if let index = lanes[rank].firstIndex(where: { $0.id == id }) {
                count -= 1
                return lanes[rank].remove(at: index)
            }
        }
        return nil
    }

    /// Whether someone of `priority` or more urgent is waiting (a newcomer must queue behind them).
    func hasWaiter(atOrAbove priority: RenderPriority) -> Bool {
        lanes[0...priority.rank].contains { !$0.isEmpty }
    }

    func contains(id: UInt64) -> Bool {
        lanes.contains { lane in lane.contains { $0.id == id } }
    }

    func count(of priority: RenderPriority) -> Int {
        lanes[priority.rank].count
    }

    mutating func removeAll() -> [Entry] {
        defer {
            lanes = Array(repeating: [], count: lanes.count)
            count = 0
        }
        return lanes.flatMap { $0 }
    }
}
