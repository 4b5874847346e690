public import Foundation
import RenderTypes
import Synchronization

/// A CDP client outside Tidepool driving the browser of a `CDPConnection` (the bridge behind
/// `session.connect`, where Playwright or Puppeteer talk to a browser reached only through its pipe):
/// the client's commands go to the browser renumbered in the connection's own numbering, so they
/// never collide with Tidepool's commands; each reply goes back with the client's id, and every
/// event the browser sends goes to the client as well. One channel per connection at a time.
///
/// Hand-written: no library here bridges a pipe-connected browser to a WebSocket client, and the
/// renumbering has to share the connection's id space.
public final class CDPClientChannel: Sendable {
    /// What `send(_:)` made of a client's message.
    public enum Handling: Sendable, Equatable {
        /// Sent to the browser; its reply will be delivered.
        case forwarded
        /// Answered here: send `reply` back to the client (a malformed message, a full channel).
        case answered(reply: Data)
        /// `Browser.close`: the client wants the browser gone. Send `reply`, then end the session.
        case browserClose(reply: Data)
    }

    public let connection: CDPConnection
    let channel: UInt64
    /// Commands in flight at most; more are answered with an error until replies come back.
    let maxInFlight: Int

    init(connection: CDPConnection, channel: UInt64, maxInFlight: Int) {
        self.connection = connection
        self.channel = channel
        self.maxInFlight = maxInFlight
    }

    /// Takes one message of the client (a JSON command `{"id", "method", "params"?, "sessionId"?}`).
    public func send(_ message: Data) -> Handling {
        let command: JSONValue
        do {
            command = try JSONParser.parse(message, strictness: .lenient)
        } catch {
            return .answered(reply: Self.error(id: .int(0), code: -32700, "Message must be a valid JSON object: \(error)"))
        }
        guard let id = command["id"], id.intValue != nil else {
            return .answered(reply: Self.error(id: .int(0), code: -32600, "Message must have an integer 'id' property"))
        }
        guard let method = command["method"]?.stringValue else {
            return .answered(reply: Self.error(id: id, code: -32600, "Message must have a string 'method' property"))
        }
        if method == "Browser.close", command["sessionId"] == nil {
            return .browserClose(reply: Self.reply(id: id, result: .object([:])))
        }
        let ours = connection.nextId.wrappingAdd(1, ordering: .relaxed).oldValue
        let admitted: String? = connection.state.withLock { state in
            if let reason = state.closeReason { return "the browser closed: \(reason)" }
            guard state.client?.channel == channel else { return "the channel is closed" }
            guard state.client!.inFlight.count < maxInFlight else {
                return "more than \(maxInFlight) commands in flight: wait for their replies"
            }
            state.client!.inFlight[ours] = id
            return nil
        }
        if let admitted { return .answered(reply: Self.error(id: id, code: -32000, admitted)) }
        guard case .object(var fields) = command else { return .answered(reply: Self.error(id: id, code: -32600, "not an object")) }
        fields["id"] = .int(ours)
        guard let renumbered = try? JSONValue.object(fields).jsonData() else {
            connection.state.withLock { _ = $0.client?.inFlight.removeValue(forKey: ours) }
            return .answered(reply: Self.error(id: id, code: -32603, "the command could not be re-encoded"))
        }
        connection.transport.send(renumbered)
        return .forwarded
    }

    /// Ends the channel: later replies and events are no longer delivered. The browser keeps what
    /// the client left in it (pages, storage) until its owner closes it.
    public func close() {
        connection.state.withLock { state in
            if state.client?.channel == channel { state.client = nil }
        }
    }

    static func reply(id: JSONValue, result: JSONValue) -> Data {
        (try? JSONValue.object(["id": id, "result": result]).jsonData()) ?? Data()
    }

    static func error(id: JSONValue, code: Int, _ message: String) -> Data {
        (try? JSONValue.object(["id": id, "error": .object(["code": .int(code), "message": .string(message)])]).jsonData())
            ?? Data()
    }
}

extension CDPConnection {
    /// Opens the connection's client channel: `deliver` gets every reply to the client's commands
    /// (with its ids) and every event from now on, on the transport's thread — it must only enqueue.
    /// Nil when another channel is open or the connection is closed.
    public func openClientChannel(maxInFlight: Int = 10_000, deliver: @escaping @Sendable (Data) -> Void)
        -> CDPClientChannel?
    {
        let channel = UInt64(nextId.wrappingAdd(1, ordering: .relaxed).oldValue)
        let opened = state.withLock { state -> Bool in
            guard state.closeReason == nil, state.client == nil else { return false }
            state.client = ClientLink(channel: channel, deliver: deliver)
            return true
        }
        return opened ? CDPClientChannel(connection: self, channel: channel, maxInFlight: max(1, maxInFlight)) : nil
    }

    /// Delivers the reply to a client's command (renumbered back); false when `id` is not one.
    func deliverClientReply(_ id: Int, _ message: Data) -> Bool {
        let found: (JSONValue, @Sendable (Data) -> Void)? = state.withLock { state in
            guard let deliver = state.client?.deliver, let clientID = state.client?.inFlight.removeValue(forKey: id) else {
                return nil
            }
            return (clientID, deliver)
        }
        guard let (clientID, deliver) = found else { return false }
        guard case .object(var fields) = try? JSONParser.parse(message, strictness: .lenient) else { return true }
        fields["id"] = clientID
        if let renumbered = try? JSONValue.object(fields).jsonData() { deliver(renumbered) }
        return true
    }

    /// Delivers an event to the client channel, if one is open.
    func deliverClientEvent(_ message: Data) {
        let deliver = state.withLock { $0.client?.deliver }
        deliver?(message)
    }
}
