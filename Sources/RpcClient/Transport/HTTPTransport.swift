import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// POSTs JSON-RPC bodies to the server's /rpc over one shared, keep-alive `HTTPClient`, and turns
/// every way the exchange can fail into an `RpcError`.
struct HTTPTransport: Sendable {
    let http: HTTPClient
    let endpoint: String
    /// `Bearer <token>`, when the server wants one.
    let authorization: String?
    let maxResponseBytes: Int
    let logger: Logger

    /// Sends `body` and returns the answer's body (empty for 204); throws for any status but 200/204.
    func post(_ body: Data, deadline: CallDeadline) async throws(RpcError) -> Data {
        guard !deadline.hasPassed else {
            throw .deadlineExceeded(timeout: deadline.timeout, attempts: 0, lastError: nil)
        }
        var request = HTTPClientRequest(url: endpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await http.execute(request, deadline: deadline.nioDeadline, logger: logger)
            let bytes = try await response.body.collect(upTo: maxResponseBytes)
            switch response.status.code {
            case 200:
                return Data(bytes.readableBytesView)
            case 204:
                return Data()
            default:
                throw RpcError.httpStatus(Int(response.status.code), body: String(buffer: bytes))
            }
        } catch let error as RpcError {
            throw error
        } catch {
            throw map(error, deadline: deadline)
        }
    }

    /// The `RpcError` for a failure of AsyncHTTPClient or SwiftNIO.
    private func map(_ error: any Error, deadline: CallDeadline) -> RpcError {
        if error is CancellationError { return .cancelled }
        if error is NIOTooManyBytesError {
            return .invalidResponse("the answer is over \(maxResponseBytes) bytes (Configuration.maxResponseBytes)")
        }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded:
                return .deadlineExceeded(timeout: deadline.timeout, attempts: 1, lastError: nil)
            case .cancelled:
                return .cancelled
            case .alreadyShutdown:
                return .clientShutDown
            default:
                break
            }
        }
        return .connectionFailed(url: endpoint, reason: String(describing: error))
    }
}
