import AsyncHTTPClient
import AsyncSupport
import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Rendering
import RenderTypes
import SessionContext

/// Forwards a call to the node that owns its session (its warm context or profile browser lives
/// there), so the caller sees one service: the same method and params, the node token (every node
/// has the same), the caller's tenant in `Tidepool-Tenant` (which the owner reads only from a holder
/// of the node token, so the call is served there in the same tenant), and a `Tidepool-Forwarded-By`
/// header naming this node, which makes the owner serve the call itself — one hop, never a loop. The owner's answer, result or error, is passed back as it came.
///
/// An owner that cannot be reached (connection refused, no connection within a second) is marked
/// gone, and the call is served here instead, taking the session over. One that was reached but
/// sent no usable answer (it died during the call) makes the call fail with -32603 naming it: the
/// call may or may not have run there, so it is not run again here.
struct NodeForwarder: Sendable {
    /// The header naming the node that forwarded a call.
    static let forwardedByHeader = HTTPField.Name("Tidepool-Forwarded-By")!
    /// Largest answer a forwarded call may bring back (a render's screenshot, PDF and MHTML included).
    static let maxAnswerBytes = 256 << 20
    /// How long connecting to the owner may take before it counts as unreachable.
    static let connectTimeout = TimeAmount.seconds(1)

    /// One client for every server of the process: connections to the other nodes stay open
    /// between calls (up to 64 per node, closed after a minute idle). Never shut down, like
    /// AsyncHTTPClient's own `shared`: it lives as long as the process. A refused connection fails
    /// the call at once instead of being retried until its deadline.
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration(
            timeout: .init(connect: connectTimeout), connectionPool: .init(idleTimeout: .seconds(60)))
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
    }()

    let cluster: Cluster
    /// The bearer token this node requires, sent along: every node of a cluster has the same.
    let token: String?
    let metrics: ForwardMetrics

    /// What became of a forwarded call.
    enum Answer {
        /// The owner answered: the result fragment to pass back.
        case result([UInt8])
        /// The owner could not be reached: serve the call here.
        case unreachable
    }

    /// Sends `method` with `params` to node `nodeID` at `url` and waits at most `timeout` for its
    /// answer. Throws the owner's `RpcErrorObject` when it answered one, `RpcMethodError.unavailable`
    /// when no usable answer came back.
    func forward(
        method: String, params: JSONValue?, tenant: TenantID, to nodeID: String, at url: String, timeout: Duration,
        logger: Logger
    ) async throws -> Answer {
        let started = ContinuousClock.now
        var call: [String: JSONValue] = ["jsonrpc": "2.0", "id": 1, "method": .string(method)]
        if let params { call["params"] = params }
        var request = HTTPClientRequest(url: url.hasSuffix("/") ? url + "rpc" : url + "/rpc")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: Self.forwardedByHeader.rawName, value: cluster.nodeID)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        request.headers.add(name: CallerAuthentication.tenantHeader.rawName, value: tenant.rawValue)
        request.body = .bytes(ByteBuffer(bytes: try JSONValue.object(call).jsonData()))
        let answer: JSONValue
        do {
            let response = try await Self.client.execute(request, timeout: .nanoseconds(Int64(timeout.wholeMilliseconds) * 1_000_000))
            let body = try await response.body.collect(upTo: Self.maxAnswerBytes)
            guard response.status == .ok else {
                throw RpcMethodError.unavailable(
                    reason: "node \(nodeID) answered HTTP \(response.status.code) to a call forwarded to it"
                        + (response.status == .unauthorized
                            ? " (every node needs the same TIDEPOOL_TOKEN, also with a tenants file: it is the node token)" : ""))
            }
            answer = try JSONValue(parsing: Data(body.readableBytesView))
        } catch {
            if Self.isUnreachable(error) {
                metrics.recordForward(method: method, outcome: .unreachable, duration: .now - started)
                cluster.markUnreachable(nodeID, at: url)
                logger.warning("owner unreachable, serving here", metadata: ["node_id": "\(nodeID)", "error": "\(error)"])
                return .unreachable
            }
            metrics.recordForward(method: method, outcome: .failed, duration: .now - started)
            if let error = error as? RpcMethodError { throw error }
            throw RpcMethodError.unavailable(
                reason: "node \(nodeID), which serves this session, gave no answer to the forwarded call (\(error)): "
                    + "it may have stopped; retry the call")
        }
        metrics.recordForward(method: method, outcome: .answered, duration: .now - started)
        if let result = answer["result"] { return .result(try JSONWriter.write(result)) }
        guard let error = answer["error"], let code = error["code"]?.intValue else {
            throw RpcMethodError.unavailable(reason: "node \(nodeID) answered a forwarded call with no result and no error")
        }
        throw RpcErrorObject(code: code, message: error["message"]?.stringValue ?? "", data: error["data"])
    }

    /// Whether `error` says the call never reached the node: no connection could be made.
    static func isUnreachable(_ error: any Error) -> Bool {
        if error is NIOConnectionError { return true }
        if let error = error as? HTTPClientError, error == .connectTimeout { return true }
        if let error = error as? ChannelError, case .connectTimeout = error { return true }
        if let error = error as? IOError { return [ECONNREFUSED, EHOSTUNREACH, ENETUNREACH].contains(error.errnoCode) }
        return false
    }
}
