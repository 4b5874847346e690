@testable import Headless
import Testing

/// `Page.concurrently`, the fan-out of independent page commands: how a failure comes out.
@Suite struct PageConcurrentlyTests {
    @Test func aCancelledCommandIsCancelledNotAProtocolError() async {
        await #expect(throws: PageError.cancelled) {
            try await Page.concurrently([{}, { throw CancellationError() }])
        }
    }

    @Test func aPageErrorComesOutAsItIs() async {
        let failure = PageError.timeout(operation: "Network.enable", afterMs: 5)
        await #expect(throws: failure) {
            try await Page.concurrently([{}, { throw failure }])
        }
    }
}
