import Foundation
@testable import Headless
import RenderTypes
import Synchronization
import Testing

/// The client channel of a connection (the bridge behind `session.connect`), against a fake
/// transport playing the browser: renumbering both ways, local answers, events, and Tidepool's own
/// commands untouched.
@Suite(.timeLimit(.minutes(1))) struct CDPClientChannelTests {
    /// What the client received, parsed, in order.
    final class Received: Sendable {
        let messages = Mutex<[JSONValue]>([])
        func deliver(_ data: Data) { messages.withLock { $0.append((try? JSONValue(parsing: data)) ?? .null) } }
        var all: [JSONValue] { messages.withLock { $0 } }
    }

    @Test func aClientCommandGoesOutRenumberedAndItsReplyComesBackWithTheClientsId() async throws {
        let transport = FakeTransport()
        let connection = CDPConnection(transport: transport)
        let received = Received()
        let channel = try #require(connection.openClientChannel(deliver: received.deliver))
        #expect(channel.send(Data(#"{"id":1,"method":"Page.navigate","params":{"url":"about:blank"},"sessionId":"S1"}"#.utf8)) == .forwarded)
        let sent = try #require(await transport.sent.nextElement())
        let ours = try #require(sent["id"]?.intValue)
        #expect(sent["method"] == "Page.navigate")
        #expect(sent["sessionId"] == "S1")
        #expect(sent["params"]?["url"] == "about:blank")
        transport.reply(to: ours, result: ["frameId": "F"], sessionId: "S1")
        try await waitUntil { received.all.count == 1 }
        #expect(received.all[0]["id"] == 1)
        #expect(received.all[0]["result"]?["frameId"] == "F")
        #expect(received.all[0]["sessionId"] == "S1")
    }

    @Test func tidepoolsOwnCommandsAreAnsweredToTidepoolNotToTheClient() async throws {
        let transport = FakeTransport()
        let connection = CDPConnection(transport: transport)
        let received = Received()
        let channel = try #require(connection.openClientChannel(deliver: received.deliver))
        // The client uses id 1, as Tidepool's first command may: neither answer goes astray.
        #expect(channel.send(Data(#"{"id":1,"method":"Browser.getVersion"}"#.utf8)) == .forwarded)
        let clients = try #require(await transport.sent.nextElement()?["id"]?.intValue)
        async let own = connection.send(method: "Target.getTargets")
        let owns = try #require(await transport.sent.nextElement()?["id"]?.intValue)
        #expect(owns != clients)
        transport.reply(to: owns, result: ["targetInfos": []])
        transport.reply(to: clients, result: ["product": "X"])
        #expect(try await own["targetInfos"] == [])
        try await waitUntil { received.all.count == 1 }
        #expect(received.all.map { $0["id"] } == [1])
        #expect(received.all[0]["result"]?["product"] == "X")
    }

    @Test func eventsReachTheClientAndTidepoolsSubscribers() async throws {
        let transport = FakeTransport()
        let connection = CDPConnection(transport: transport)
        let received = Received()
        _ = try #require(connection.openClientChannel(deliver: received.deliver))
        let events = connection.events(sessionId: nil, methods: ["Target.targetCreated"])
        transport.emit("Target.targetCreated", params: ["targetInfo": ["targetId": "T"]])
        #expect(await events.first(where: { _ in true })?.method == "Target.targetCreated")
        try await waitUntil { received.all.count == 1 }
        #expect(received.all[0]["method"] == "Target.targetCreated")
    }

    @Test func tidepoolsHiddenSessionsAndTheSessionsAttachedThroughThemNeverReachTheClient() async throws {
        let transport = FakeTransport()
        let connection = CDPConnection(transport: transport)
        let received = Received()
        _ = try #require(connection.openClientChannel(deliver: received.deliver))
        connection.hideFromClient("OWN")
        transport.emit("Target.attachedToTarget", params: ["sessionId": "CHILD", "targetInfo": ["targetId": "T", "type": "page"], "waitingForDebugger": true], sessionId: "OWN")
        transport.emit("Runtime.executionContextCreated", sessionId: "CHILD")
        transport.emit("Page.loadEventFired", sessionId: "CLIENTS")
        try await waitUntil { received.all.count == 1 }
        try await Task.sleep(for: .milliseconds(50))
        #expect(received.all.map { $0["sessionId"] } == ["CLIENTS"])
    }

    @Test func browserCloseIsAnsweredHereAndNeverReachesTheBrowser() throws {
        let transport = FakeTransport()
        let connection = CDPConnection(transport: transport)
        let channel = try #require(connection.openClientChannel { _ in })
        guard case .browserClose(let reply) = channel.send(Data(#"{"id":7,"method":"Browser.close"}"#.utf8)) else {
            Issue.record("Browser.close was not answered here")
            return
        }
        let answer = try JSONValue(parsing: reply)
        #expect(answer["id"] == 7)
        #expect(answer["result"] == [:])
        // Also on a browser target's session, answered on that session.
        guard case .browserClose(let onSession) = channel.send(Data(#"{"id":8,"method":"Browser.close","sessionId":"B"}"#.utf8)) else {
            Issue.record("Browser.close on a session reached the browser")
            return
        }
        #expect(try JSONValue(parsing: onSession)["sessionId"] == "B")
        guard case .answered(let crash) = channel.send(Data(#"{"id":9,"method":"Browser.crash"}"#.utf8)) else {
            Issue.record("Browser.crash reached the browser")
            return
        }
        #expect(try JSONValue(parsing: crash)["error"]?["code"] == -32000)
    }

    @Test func malformedMessagesAreAnsweredWithAnErrorAndNothingIsSent() throws {
        let transport = FakeTransport()
        let connection = CDPConnection(transport: transport)
        let channel = try #require(connection.openClientChannel { _ in })
        for (message, code) in [("not json", -32700), (#"{"method":"Page.enable"}"#, -32600), (#"{"id":3}"#, -32600)] {
            guard case .answered(let reply) = channel.send(Data(message.utf8)) else {
                Issue.record("\(message) was forwarded")
                continue
            }
            #expect(try JSONValue(parsing: reply)["error"]?["code"]?.intValue == code, "\(message)")
        }
    }

    @Test func onlyOneChannelAtATimeAndAClosedOneDeliversNothing() async throws {
        let transport = FakeTransport()
        let connection = CDPConnection(transport: transport)
        let received = Received()
        let channel = try #require(connection.openClientChannel(deliver: received.deliver))
        #expect(connection.openClientChannel { _ in } == nil)
        channel.close()
        transport.emit("Target.targetCreated")
        guard case .answered = channel.send(Data(#"{"id":1,"method":"Browser.getVersion"}"#.utf8)) else {
            Issue.record("a closed channel forwarded a command")
            return
        }
        #expect(received.all.isEmpty)
        #expect(connection.openClientChannel { _ in } != nil)
    }

    @Test func commandsInFlightAreBounded() async throws {
        let transport = FakeTransport()
        let connection = CDPConnection(transport: transport)
        let channel = try #require(connection.openClientChannel(maxInFlight: 2) { _ in })
        #expect(channel.send(Data(#"{"id":1,"method":"A.a"}"#.utf8)) == .forwarded)
        #expect(channel.send(Data(#"{"id":2,"method":"A.b"}"#.utf8)) == .forwarded)
        guard case .answered(let reply) = channel.send(Data(#"{"id":3,"method":"A.c"}"#.utf8)) else {
            Issue.record("a third command in flight was forwarded")
            return
        }
        #expect(try JSONValue(parsing: reply)["error"]?["message"]?.stringValue?.contains("in flight") == true)
    }

    private func waitUntil(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("condition not met within 10 s")
                return
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
