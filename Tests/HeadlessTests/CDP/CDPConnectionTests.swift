@testable import Headless
import RenderTypes
import Testing

/// The connection's own logic (ids, routing, timeouts, closing) against a scripted transport.
@Suite struct CDPConnectionTests {
    let transport = FakeTransport()
    let connection: CDPConnection

    init() {
        connection = CDPConnection(transport: transport, configuration: .init(defaultTimeout: .seconds(30)))
    }

    /// The id of the next message the connection sends.
    private func nextSentId() async -> Int {
        await transport.sent.nextElement()?["id"]?.intValue ?? -1
    }

    @Test func repliesAreMatchedToCommandsByIdEvenOutOfOrder() async throws {
        let first = Task { try await connection.send(method: "A.first") }
        let firstId = await nextSentId()
        let second = Task { try await connection.send(method: "B.second") }
        let secondId = await nextSentId()
        transport.reply(to: secondId, result: ["which": "second"])
        transport.reply(to: firstId, result: ["which": "first"])
        #expect(try await first.value["which"] == "first")
        #expect(try await second.value["which"] == "second")
    }

    @Test func orderedCommandsAllLeaveBeforeAnyReplyAndKeepTheirOrder() async throws {
        // Like a service worker paused at start: nothing is answered until the last command has arrived.
        let replies = Task {
            await connection.send(
                inOrder: [("Emulation.a", ["n": 1]), ("Runtime.evaluate", nil), ("Runtime.runIfWaitingForDebugger", nil)],
                sessionId: "W1")
        }
        var sent: [JSONValue] = []
        for _ in 0..<3 { sent.append(try #require(await transport.sent.nextElement())) }
        #expect(sent.map { $0["method"]?.stringValue } == ["Emulation.a", "Runtime.evaluate", "Runtime.runIfWaitingForDebugger"])
        #expect(sent.allSatisfy { $0["sessionId"] == "W1" })
        #expect(sent[0]["params"] == ["n": 1])
        transport.reply(to: sent[2]["id"]?.intValue ?? -1, sessionId: "W1")
        transport.deliver(["id": sent[1]["id"] ?? .null, "error": ["code": -32000, "message": "no"]])
        transport.reply(to: sent[0]["id"]?.intValue ?? -1, result: ["ok": true], sessionId: "W1")
        let results = await replies.value
        #expect(try results[0].get() == ["ok": true])
        #expect(throws: CDPError.protocolError(method: "Runtime.evaluate", code: -32000, message: "no")) { try results[1].get() }
        #expect(try results[2].get() == [:])
    }

    @Test func typedCommandSendsItsMethodParamsAndSessionAndDecodesItsReply() async throws {
        let reply = Task { try await connection.send(
            CDP.Target.CreateTarget(url: "about:blank", browserContextId: "CTX"), sessionId: "S1") }
        let sent = await transport.sent.nextElement()
        #expect(sent?["method"] == "Target.createTarget")
        #expect(sent?["params"] == ["url": "about:blank", "browserContextId": "CTX"])
        #expect(sent?["sessionId"] == "S1")
        transport.reply(to: sent?["id"]?.intValue ?? -1, result: ["targetId": "T9"], sessionId: "S1")
        #expect(try await reply.value.targetId == "T9")
    }

    @Test func chromiumErrorBecomesProtocolErrorWithMethodCodeAndMessage() async {
        let reply = Task { try await connection.send(method: "Page.navigate", params: ["url": "x"]) }
        let id = await nextSentId()
        transport.deliver(["id": .int(id), "error": ["code": -32602, "message": "Invalid parameters"]])
        await #expect(throws: CDPError.protocolError(method: "Page.navigate", code: -32602, message: "Invalid parameters")) {
            try await reply.value
        }
    }

    @Test func replyThatDoesNotFitTheResponseTypeIsInvalidResponse() async {
        let reply = Task { try await connection.send(CDP.Target.CreateBrowserContext()) }
        let id = await nextSentId()
        transport.reply(to: id, result: ["unexpected": true])
        guard case .failure(let error) = await reply.result, case .invalidResponse(let method, _) = error as? CDPError
        else {
            Issue.record("expected invalidResponse")
            return
        }
        #expect(method == "Target.createBrowserContext")
    }

    @Test func commandWithoutReplyFailsWithTimeoutNamingMethodAndLimit() async {
        await #expect(throws: CDPError.timeout(method: "Runtime.evaluate", afterMs: 50)) {
            try await connection.send(method: "Runtime.evaluate", timeout: .milliseconds(50))
        }
    }

    @Test func transportCloseFailsEveryPendingCommandAtOnceWithBrowserClosed() async {
        let commands = ["A.a", "B.b", "C.c"].map { method in
            Task { try await connection.send(method: method, sessionId: method == "B.b" ? "S" : nil) }
        }
        for _ in commands { _ = await nextSentId() }
        transport.deliverClose("pipe closed")
        for command in commands {
            await #expect(throws: CDPError.browserClosed(reason: "pipe closed")) { try await command.value }
        }
    }

    @Test func commandAfterCloseFailsImmediatelyWithBrowserClosed() async {
        transport.deliverClose("gone")
        await #expect(throws: CDPError.browserClosed(reason: "gone")) {
            try await connection.send(method: "Browser.getVersion")
        }
        #expect(connection.closeReason == "gone")
        #expect(await connection.closed() == "gone")
    }

    @Test func eventsAreRoutedToTheirSessionOnly() async {
        let sessionA = connection.events(sessionId: "A")
        let browser = connection.events(sessionId: nil)
        transport.emit("Page.loadEventFired", params: ["timestamp": 1], sessionId: "B")
        transport.emit("Page.loadEventFired", params: ["timestamp": 2], sessionId: "A")
        transport.emit("Target.targetCreated", params: ["n": 3])
        transport.deliverClose("done")
        var forA: [JSONValue] = []
        for await event in sessionA { forA.append(event.params) }
        var forBrowser: [String] = []
        for await event in browser { forBrowser.append(event.method) }
        #expect(forA == [["timestamp": 2]])
        #expect(forBrowser == ["Target.targetCreated"])
    }

    @Test func methodFilterDeliversOnlyThoseMethods() async {
        let loads = connection.events(sessionId: "A", methods: ["Page.loadEventFired"])
        transport.emit("Network.requestWillBeSent", sessionId: "A")
        transport.emit("Page.loadEventFired", sessionId: "A")
        transport.deliverClose("done")
        var methods: [String] = []
        for await event in loads { methods.append(event.method) }
        #expect(methods == ["Page.loadEventFired"])
    }

    @Test func detachFailsThatSessionsPendingAndLaterCommandsButNotOthers() async throws {
        let onS1 = Task { try await connection.send(method: "Runtime.evaluate", sessionId: "S1") }
        _ = await nextSentId()
        let onS2 = Task { try await connection.send(method: "Runtime.evaluate", sessionId: "S2") }
        let s2Id = await nextSentId()
        transport.emit("Target.detachedFromTarget", params: ["sessionId": "S1", "targetId": "T1"])
        await #expect(throws: CDPError.targetClosed(sessionId: "S1", reason: "target detached")) { try await onS1.value }
        await #expect(throws: CDPError.targetClosed(sessionId: "S1", reason: "target detached")) {
            try await connection.send(method: "Page.enable", sessionId: "S1")
        }
        transport.reply(to: s2Id, result: ["ok": true], sessionId: "S2")
        #expect(try await onS2.value["ok"] == true)
    }

    @Test func rendererCrashFailsThatSessionWithTargetClosed() async {
        let pending = Task { try await connection.send(method: "Runtime.evaluate", sessionId: "S1") }
        _ = await nextSentId()
        transport.emit("Inspector.targetCrashed", sessionId: "S1")
        await #expect(throws: CDPError.targetClosed(sessionId: "S1", reason: "target crashed")) { try await pending.value }
    }

    @Test func sessionEventStreamEndsWhenItsTargetDetaches() async {
        let events = connection.events(sessionId: "S1")
        transport.emit("Page.frameNavigated", sessionId: "S1")
        transport.emit("Target.detachedFromTarget", params: ["sessionId": "S1"])
        var count = 0
        for await _ in events { count += 1 }
        #expect(count == 1)
    }

    @Test func cancellingTheCallerFailsTheCommandWithCancelled() async {
        let task = Task { try await connection.send(method: "Runtime.evaluate") }
        _ = await nextSentId()
        task.cancel()
        await #expect(throws: CDPError.cancelled(method: "Runtime.evaluate")) { try await task.value }
    }

    @Test func lateReplyToATimedOutCommandIsIgnored() async throws {
        await #expect(throws: CDPError.timeout(method: "A.slow", afterMs: 20)) {
            try await connection.send(method: "A.slow", timeout: .milliseconds(20))
        }
        let slowId = await nextSentId()
        transport.reply(to: slowId, result: ["late": true])
        let next = Task { try await connection.send(method: "B.next") }
        let id = await nextSentId()
        transport.reply(to: id, result: ["fresh": true])
        #expect(try await next.value["fresh"] == true)
    }
}

