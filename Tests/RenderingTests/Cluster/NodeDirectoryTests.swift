import Foundation
@testable import Rendering
import SessionContext
import Testing

/// How a node judges another from the nodes table as it last read it: alive while its heartbeat is
/// younger than the timeout (the time since the read counted in), gone once silent, unknown or found
/// unreachable — until a heartbeat newer than that finding.
@Suite struct NodeDirectoryTests {
    let timeout = Duration.seconds(5)

    func status(_ id: String, silentFor seconds: Double) -> NodeStatus {
        NodeStatus(
            nodeID: id, advertiseURL: "http://127.0.0.1:1", lastHeartbeat: Date(timeIntervalSince1970: 1_800_000_000), secondsSinceHeartbeat: seconds, load: 0,
            browsers: 1)
    }

    @Test func aNodeWithARecentHeartbeatIsAlive() {
        let directory = NodeDirectory()
        let read = ContinuousClock.now
        directory.update([status("a", silentFor: 1)], readAt: read)
        #expect(directory.liveness(of: "a", timeout: timeout, now: read + .seconds(1)) == .alive(status("a", silentFor: 1)))
    }

    @Test func theTimeSinceTheReadCountsTowardsTheSilence() {
        let directory = NodeDirectory()
        let read = ContinuousClock.now
        directory.update([status("a", silentFor: 1)], readAt: read)
        guard case .gone(let reason) = directory.liveness(of: "a", timeout: timeout, now: read + .seconds(4.5)) else {
            Issue.record("a node silent for 5.5 s counts as alive")
            return
        }
        #expect(reason.hasPrefix("no heartbeat for 5.5 s"))
    }

    @Test func aNodeNotInTheTableIsGone() {
        let directory = NodeDirectory()
        #expect(directory.liveness(of: "a", timeout: timeout) != .alive(status("a", silentFor: 0)))
        directory.update([status("b", silentFor: 0)], readAt: .now)
        guard case .gone(let reason) = directory.liveness(of: "a", timeout: timeout) else {
            Issue.record("an unknown node counts as alive")
            return
        }
        #expect(reason.contains("not among the nodes"))
    }

    @Test func anUnreachableNodeIsGoneUntilAHeartbeatNewerThanTheFinding() {
        let directory = NodeDirectory()
        let start = ContinuousClock.now
        directory.update([status("a", silentFor: 0)], readAt: start)
        directory.markUnreachable("a", at: "http://127.0.0.1:1", when: start + .seconds(1))
        // A read whose heartbeat predates the finding keeps the mark.
        directory.update([status("a", silentFor: 1.5)], readAt: start + .seconds(2))
        guard case .gone(let reason) = directory.liveness(of: "a", timeout: timeout, now: start + .seconds(2)) else {
            Issue.record("a node that did not answer counts as alive")
            return
        }
        #expect(reason.contains("did not answer"))
        // A heartbeat after it clears the mark.
        directory.update([status("a", silentFor: 0.5)], readAt: start + .seconds(3))
        #expect(directory.liveness(of: "a", timeout: timeout, now: start + .seconds(3)) == .alive(status("a", silentFor: 0.5)))
    }

    @Test func aNodeBackAtAnotherURLIsNoLongerUnreachable() {
        let directory = NodeDirectory()
        let start = ContinuousClock.now
        directory.update([status("a", silentFor: 0)], readAt: start)
        directory.markUnreachable("a", at: "http://127.0.0.1:1", when: start + .seconds(1))
        // Restarted elsewhere: its heartbeat (older than the finding) already names the new URL.
        var moved = status("a", silentFor: 1.5)
        moved.advertiseURL = "http://127.0.0.1:2"
        directory.update([moved], readAt: start + .seconds(2))
        #expect(directory.liveness(of: "a", timeout: timeout, now: start + .seconds(2)) == .alive(moved))
    }
}
