@testable import Headless
import RenderTypes
import Testing

@Suite struct LeaseQueueTests {
    @Test func highBeforeNormalBeforeLowAndFirstInFirstOutWithin() {
        var queue = LeaseQueue<String>()
        let arrivals: [(RenderPriority, String)] = [
            (.low, "low1"), (.normal, "normal1"), (.high, "high1"), (.normal, "normal2"), (.low, "low2"), (.high, "high2"),
        ]
        for (index, (priority, name)) in arrivals.enumerated() {
            queue.append(id: UInt64(index), priority: priority, payload: name)
        }
        var served: [String] = []
        while let entry = queue.popFirst() { served.append(entry.payload) }
        #expect(served == ["high1", "high2", "normal1", "normal2", "low1", "low2"])
        #expect(queue.isEmpty)
    }

    @Test func removeByIdTakesTheEntryFromWhereverItWaits() {
        var queue = LeaseQueue<String>()
        queue.append(id: 1, priority: .low, payload: "a")
        queue.append(id: 2, priority: .high, payload: "b")
        queue.append(id: 3, priority: .low, payload: "c")
        #expect(queue.remove(id: 3)?.payload == "c")
        #expect(queue.remove(id: 3) == nil)
        #expect(queue.count == 2)
        #expect(queue.contains(id: 1))
        #expect(!queue.contains(id: 3))
    }

    @Test func newcomerMustQueueBehindEqualOrMoreUrgentWaitersOnly() {
        var queue = LeaseQueue<String>()
        queue.append(id: 1, priority: .normal, payload: "n")
        #expect(queue.hasWaiter(atOrAbove: .normal))
        #expect(queue.hasWaiter(atOrAbove: .low))
        #expect(!queue.hasWaiter(atOrAbove: .high))
        #expect(queue.count(of: .normal) == 1)
    }
}
