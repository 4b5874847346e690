import AsyncSupport
import DequeModule
import Foundation
public import Logging
import NIOCore
import NIOPosix
public import RenderTypes
import Synchronization

/// Layer 1 of the CDP stack: one transport to one browser. It numbers commands and matches replies,
/// applies a timeout to every command, routes events by `sessionId`, tracks which sessions are
/// attached, and when the transport closes fails every pending command at once with `browserClosed`.
public final class CDPConnection: Sendable {
    /// Tunables of a connection; defaults in the initializer.
    public struct Configuration: Sendable {
        /// Timeout of a command sent without an explicit one.
        public var defaultTimeout: Duration
        /// Events buffered per subscription before the oldest are dropped.
        public var eventBufferSize: Int
        /// Closed session ids remembered so later commands on them fail fast with `targetClosed`.
        public var closedSessionMemory: Int

        public init(
            defaultTimeout: Duration = .seconds(10),
            eventBufferSize: Int = 4096,
            closedSessionMemory: Int = 4096
        ) {
            self.defaultTimeout = defaultTimeout
            self.eventBufferSize = eventBufferSize
            self.closedSessionMemory = closedSessionMemory
        }
    }

    typealias Reply = Result<Data, CDPError>

    struct Pending {
        let method: String
        let sessionId: String?
        var continuation: CheckedContinuation<Reply, Never>?
        var earlyReply: Reply?
        var timer: Scheduled<Void>?
    }

    struct Subscriber {
        let continuation: AsyncStream<CDPEvent>.Continuation
        let methods: Set<String>?
        var dropped = 0
    }

    struct State {
        var pending: [Int: Pending] = [:]
        var subscribers: [String?: [UInt64: Subscriber]] = [:]
        var nextSubscriber: UInt64 = 0
        /// Attached sessions: sessionId → targetId.
        var sessions: [String: String] = [:]
        /// Recently closed sessions: sessionId → why (bounded by `closedOrder`).
        var closedSessions: [String: String] = [:]
        var closedOrder: Deque<String> = []
        var closeReason: String?
        /// The outside client bridged to this connection, if any (`openClientChannel`).
        var client: ClientLink?
        /// Tidepool's own sessions whose events the client never sees (`hideFromClient`), and the
        /// sessions attached through them.
        var hiddenFromClient: Set<String> = []
    }

    /// An open client channel: where its messages go, and its commands in flight (this
    /// connection's id → the client's own id).
    struct ClientLink {
        let channel: UInt64
        let deliver: @Sendable (Data) -> Void
        var inFlight: [Int: JSONValue] = [:]
    }

    public let configuration: Configuration
    let transport: any CDPTransport
    private let logger: Logger
    private let timerLoop: any EventLoop
    let nextId = Atomic<Int>(1)
    let state = Mutex(State())
    private let closeLatch = AsyncLatch<String>()

    /// Wraps a transport and starts reading from it at once.
    public init(
        transport: any CDPTransport,
        configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "tidepool.cdp")
    ) {
        self.transport = transport
        self.configuration = configuration
        self.logger = logger
        self.timerLoop = transport.eventLoop ?? MultiThreadedEventLoopGroup.singleton.next()
        transport.start(ReceiverProxy(connection: self))
    }

    deinit {
        let transport = self.transport
        Task { await transport.close() }
    }

    // MARK: Commands

    /// Sends a command with untyped params and returns the reply's `result` as JSON.
    public func send(
        method: String,
        params: JSONValue? = nil,
        sessionId: String? = nil,
        timeout: Duration? = nil
    ) async throws(CDPError) -> JSONValue {
        let reply = try await roundTrip(method: method, sessionId: sessionId, timeout: timeout) { id in
            try JSONEncoder().encode(OutboundCommand(id: id, method: method, params: params, sessionId: sessionId))
        }
        return try Self.result(of: reply, method: method).get()
    }

    /// The `result` of a reply message as JSON.
    private static func result(of reply: Data, method: String) -> Result<JSONValue, CDPError> {
        do {
            return .success(try JSONParser.parse(reply, strictness: .lenient)["result"] ?? .object([:]))
        } catch {
            return .failure(.invalidResponse(method: method, detail: "\(error)"))
        }
    }

    /// Sends a typed command and decodes its reply.
    public func send<C: CDPCommand>(
        _ command: C,
        sessionId: String? = nil,
        timeout: Duration? = nil
    ) async throws(CDPError) -> C.Response {
        let reply = try await roundTrip(method: C.method, sessionId: sessionId, timeout: timeout) { id in
            try JSONEncoder().encode(OutboundCommand(id: id, method: C.method, params: command, sessionId: sessionId))
        }
        do {
            return try C.decodeResponse(from: reply)
        } catch {
            throw CDPError.invalidResponse(method: C.method, detail: "\(error)")
        }
    }

    /// Attaches to a target in flattened mode and returns its session.
    public func attach(toTarget targetId: String, timeout: Duration? = nil) async throws(CDPError) -> CDPSession {
        let reply = try await send(CDP.Target.AttachToTarget(targetId: targetId, flatten: true), timeout: timeout)
        state.withLock { state in
            if state.sessions[reply.sessionId] == nil, state.closedSessions[reply.sessionId] == nil {
                state.sessions[reply.sessionId] = targetId
            }
        }
        return CDPSession(connection: self, sessionId: reply.sessionId, targetId: targetId)
    }

    /// Sends untyped commands to one session in this order and returns each one's `result` or error. All
    /// leave before any reply is awaited, so the browser gets them in order even when it answers none of
    /// them until a later one has run (a service worker paused at start answers only after
    /// `Runtime.runIfWaitingForDebugger`). `timeout` applies to each reply.
    public func send(
        inOrder commands: [(method: String, params: JSONValue?)], sessionId: String?, timeout: Duration? = nil
    ) async -> [Result<JSONValue, CDPError>] {
        var registered: [Result<(id: Int, method: String), CDPError>] = []
        var messages: [Data] = []
        for (method, params) in commands {
            let id = nextId.wrappingAdd(1, ordering: .relaxed).oldValue
            do {
                let message = try encode(method: method) {
                    try JSONEncoder().encode(OutboundCommand(id: id, method: method, params: params, sessionId: sessionId))
                }
                try register(id, method: method, sessionId: sessionId)
                messages.append(message)
                registered.append(.success((id, method)))
            } catch {
                registered.append(.failure(error))
            }
        }
        for message in messages { transport.send(message) }
        var results: [Result<JSONValue, CDPError>] = []
        for entry in registered {
            switch entry {
            case .failure(let error):
                results.append(.failure(error))
            case .success(let (id, method)):
                let reply = await awaitReply(id: id, method: method, limit: timeout ?? configuration.defaultTimeout, transmit: nil)
                results.append(reply.flatMap { Self.result(of: $0, method: method) })
            }
        }
        return results
    }

    /// Registers the command, sends it and waits for its reply, a timeout, a close or cancellation.
    private func roundTrip(
        method: String,
        sessionId: String?,
        timeout: Duration?,
        encode: (Int) throws -> Data
    ) async throws(CDPError) -> Data {
        let id = nextId.wrappingAdd(1, ordering: .relaxed).oldValue
        let message = try self.encode(method: method) { try encode(id) }
        try register(id, method: method, sessionId: sessionId)
        return try await awaitReply(
            id: id, method: method, limit: timeout ?? configuration.defaultTimeout, transmit: message
        ).get()
    }

    /// Runs a command's encoder, its failure a `CDPError`.
    private func encode(method: String, _ encode: () throws -> Data) throws(CDPError) -> Data {
        do {
            return try encode()
        } catch {
            throw CDPError.invalidResponse(method: method, detail: "params did not encode: \(error)")
        }
    }

    /// Records command `id` as pending (refused when the connection or the session is closed).
    private func register(_ id: Int, method: String, sessionId: String?) throws(CDPError) {
        let refused: CDPError? = state.withLock { state in
            if let reason = state.closeReason { return .browserClosed(reason: reason) }
            if let sessionId, let reason = state.closedSessions[sessionId] {
                return .targetClosed(sessionId: sessionId, reason: reason)
            }
            state.pending[id] = Pending(method: method, sessionId: sessionId)
            return nil
        }
        if let refused { throw refused }
    }

    /// Waits for the reply of a registered command (sending `transmit` first, when given), at most `limit`.
    private func awaitReply(id: Int, method: String, limit: Duration, transmit message: Data?) async -> Reply {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Reply, Never>) in
                let early: Reply? = state.withLock { state in
                    guard var entry = state.pending[id] else {
                        return .failure(state.closeReason.map { .browserClosed(reason: $0) } ?? .cancelled(method: method))
                    }
                    if let early = entry.earlyReply {
                        state.pending[id] = nil
                        return early
                    }
                    entry.continuation = continuation
                    state.pending[id] = entry
                    return nil
                }
                if let early {
                    continuation.resume(returning: early)
                    return
                }
                if let message { transport.send(message) }
                let timer = timerLoop.scheduleTask(in: TimeAmount(limit)) { [weak self] () -> Void in
                    self?.complete(id) { .failure(.timeout(method: $0, afterMs: limit.wholeMilliseconds)) }
                }
                let armed = state.withLock { state in
                    guard state.pending[id] != nil else { return false }
                    state.pending[id]?.timer = timer
                    return true
                }
                if !armed { timer.cancel() }
            }
        } onCancel: {
            complete(id) { .failure(.cancelled(method: $0)) }
        }
    }

    /// Resolves a pending command (once); `reply` gets the command's method for error messages.
    private func complete(_ id: Int, _ reply: (String) -> Reply) {
        let resolved: (CheckedContinuation<Reply, Never>, Scheduled<Void>?, Reply)? = state.withLock { state in
            guard var entry = state.pending[id] else { return nil }
            let value = reply(entry.method)
            if let continuation = entry.continuation {
                state.pending[id] = nil
                return (continuation, entry.timer, value)
            }
            if entry.earlyReply == nil {
                entry.earlyReply = value
                state.pending[id] = entry
            }
            return nil
        }
        guard let resolved else { return }
        resolved.1?.cancel()
        resolved.0.resume(returning: resolved.2)
    }

    // MARK: Events

    /// Events of one session (nil = browser-level), optionally only the given methods. The subscription
    /// is live when this returns: subscribe BEFORE sending the command that causes the event. Bounded
    /// buffer; ends when the connection or the session closes, or when the stream is dropped.
    public func events(sessionId: String?, methods: Set<String>? = nil) -> CDPEventStream {
        let (stream, continuation) = AsyncStream<CDPEvent>.makeStream(
            bufferingPolicy: .bufferingNewest(configuration.eventBufferSize))
        let subscriber = state.withLock { state -> UInt64? in
            if state.closeReason != nil { return nil }
            if let sessionId, state.closedSessions[sessionId] != nil { return nil }
            state.nextSubscriber += 1
            state.subscribers[sessionId, default: [:]][state.nextSubscriber] = Subscriber(
                continuation: continuation, methods: methods)
            return state.nextSubscriber
        }
        guard let subscriber else {
            continuation.finish()
            return CDPEventStream(stream)
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { state in
                state.subscribers[sessionId]?[subscriber] = nil
                if state.subscribers[sessionId]?.isEmpty == true { state.subscribers[sessionId] = nil }
            }
        }
        return CDPEventStream(stream)
    }

    // MARK: Lifecycle

    /// Why the connection closed, or nil while it is open.
    public var closeReason: String? { state.withLock { $0.closeReason } }

    /// Waits until the connection closes and returns why (nil if the waiting task is cancelled first).
    public func closed() async -> String? {
        await closeLatch.wait()
    }

    /// Why a session can no longer be used (detached, crashed), or nil while it is usable.
    public func sessionCloseReason(_ sessionId: String) -> String? {
        state.withLock { state in
            state.closedSessions[sessionId] ?? state.closeReason.map { "browser connection closed: \($0)" }
        }
    }

    /// Closes the transport; pending commands fail with `browserClosed`.
    public func close() async {
        await transport.close()
        transportClosed(reason: "connection closed by this side")
    }

    // MARK: Inbound

    fileprivate func received(_ message: Data) {
        // Routing needs three fields: scan for them instead of parsing the whole message here, on the
        // transport's thread; the result or params are decoded once, by whoever wants them.
        let header: InboundHeader
        if let scanned = InboundHeader(scanning: message) {
            header = scanned
        } else {
            do {
                header = try JSONDecoder().decode(DecodedHeader.self, from: message).header
            } catch {
                logger.warning("undecodable CDP message dropped", metadata: ["error": "\(error)", "bytes": "\(message.count)"])
                return
            }
        }
        if let id = header.id {
            if deliverClientReply(id, message) { return }
            if header.hasError {
                let error = (try? JSONDecoder().decode(ErrorEnvelope.self, from: message))?.error
                complete(id) {
                    .failure(.protocolError(method: $0, code: error?.code ?? 0, message: error?.message ?? "undecodable error"))
                }
            } else {
                complete(id) { _ in .success(message) }
            }
            return
        }
        guard let method = header.method else { return }
        var finishedSession: String?
        switch method {
        case "Target.attachedToTarget":
            if let params = Self.params(AttachedToTargetParams.self, of: message) {
                state.withLock { state in
                    if state.closedSessions[params.sessionId] == nil {
                        state.sessions[params.sessionId] = params.targetInfo.targetId
                    }
                    // Attached through one of Tidepool's hidden sessions: hidden too, from its first event.
                    if let parent = header.sessionId, state.hiddenFromClient.contains(parent) {
                        state.hiddenFromClient.insert(params.sessionId)
                    }
                }
            }
        case "Target.detachedFromTarget":
            if let params = Self.params(DetachedFromTargetParams.self, of: message) {
                closeSession(params.sessionId, reason: "target detached")
                finishedSession = params.sessionId
            }
        case "Target.targetCrashed":
            if let params = Self.params(TargetCrashedParams.self, of: message) {
                let sessions = state.withLock { state in
                    state.sessions.filter { $0.value == params.targetId }.map(\.key)
                }
                for session in sessions {
                    closeSession(session, reason: "target crashed (\(params.status ?? "crashed"))")
                }
            }
        case "Inspector.targetCrashed":
            if let sessionId = header.sessionId {
                closeSession(sessionId, reason: "target crashed")
                finishedSession = sessionId
            }
        case "Inspector.detached":
            if let sessionId = header.sessionId {
                let reason = Self.params(InspectorDetachedParams.self, of: message)?.reason ?? "unknown"
                closeSession(sessionId, reason: "inspector detached: \(reason)")
                finishedSession = sessionId
            }
        default:
            break
        }
        dispatch(message, method: method, sessionId: header.sessionId)
        deliverClientEvent(message, sessionId: header.sessionId)
        if let finishedSession { finishSubscribers(of: finishedSession) }
    }

    private static func params<P: Decodable>(_ type: P.Type, of message: Data) -> P? {
        try? JSONDecoder().decode(TypedEventEnvelope<P>.self, from: message).params
    }

    /// Delivers an event to its session's subscribers (its params are decoded by whoever reads them).
    private func dispatch(_ message: Data, method: String, sessionId: String?) {
        let targets = state.withLock { state -> [(UInt64, AsyncStream<CDPEvent>.Continuation)] in
            guard let subscribers = state.subscribers[sessionId] else { return [] }
            return subscribers.compactMap { id, subscriber in
                subscriber.methods.map { $0.contains(method) } ?? true ? (id, subscriber.continuation) : nil
            }
        }
        guard !targets.isEmpty else { return }
        let event = CDPEvent(method: method, sessionId: sessionId, message: message)
        for (id, continuation) in targets {
            if case .dropped = continuation.yield(event) {
                let firstDrop = state.withLock { state -> Bool in
                    state.subscribers[sessionId]?[id]?.dropped += 1
                    return state.subscribers[sessionId]?[id]?.dropped == 1
                }
                if firstDrop {
                    logger.warning(
                        "CDP event subscriber is too slow; oldest events dropped",
                        metadata: ["session": "\(sessionId ?? "browser")", "buffer": "\(configuration.eventBufferSize)"])
                }
            }
        }
    }

    /// Marks a session closed and fails its pending commands with `targetClosed`.
    private func closeSession(_ sessionId: String, reason: String) {
        let failed = state.withLock { state -> [(CheckedContinuation<Reply, Never>, Scheduled<Void>?)] in
            state.sessions[sessionId] = nil
            if state.closedSessions[sessionId] == nil {
                state.closedSessions[sessionId] = reason
                state.closedOrder.append(sessionId)
                while state.closedOrder.count > configuration.closedSessionMemory {
                    state.closedSessions[state.closedOrder.removeFirst()] = nil
                }
            }
            var failed: [(CheckedContinuation<Reply, Never>, Scheduled<Void>?)] = []
            for (id, entry) in state.pending where entry.sessionId == sessionId {
                if let continuation = entry.continuation {
                    state.pending[id] = nil
                    failed.append((continuation, entry.timer))
                } else {
                    state.pending[id]?.earlyReply = .failure(.targetClosed(sessionId: sessionId, reason: reason))
                }
            }
            return failed
        }
        for (continuation, timer) in failed {
            timer?.cancel()
            continuation.resume(returning: .failure(.targetClosed(sessionId: sessionId, reason: reason)))
        }
    }

    private func finishSubscribers(of sessionId: String) {
        let continuations = state.withLock { state in
            state.subscribers.removeValue(forKey: sessionId)?.values.map(\.continuation) ?? []
        }
        for continuation in continuations { continuation.finish() }
    }

    fileprivate func transportClosed(reason: String) {
        let (pending, subscribers, finalReason) = state.withLock { state in
            if state.closeReason == nil { state.closeReason = reason }
            defer {
                state.pending = [:]
                state.subscribers = [:]
            }
            return (
                Array(state.pending.values), state.subscribers.values.flatMap(\.values).map(\.continuation),
                state.closeReason ?? reason
            )
        }
        if !pending.isEmpty {
            logger.debug("failing pending CDP commands", metadata: ["count": "\(pending.count)", "reason": "\(finalReason)"])
        }
        for entry in pending {
            entry.timer?.cancel()
            entry.continuation?.resume(returning: .failure(.browserClosed(reason: finalReason)))
        }
        for continuation in subscribers { continuation.finish() }
        closeLatch.resolve(finalReason)
    }
}

/// The transport's receiver: holds the connection weakly so a dropped connection can deinit (and close
/// its transport) even though the transport references its receiver.
private final class ReceiverProxy: CDPTransportReceiver {
    weak let connection: CDPConnection?

    init(connection: CDPConnection) {
        self.connection = connection
    }

    func transportDidReceive(_ message: Data) {
        connection?.received(message)
    }

    func transportDidClose(reason: String) {
        connection?.transportClosed(reason: reason)
    }
}
