import AsyncHTTPClient
import Foundation
import NIOCore
import RenderTypes

/// Plain JSON-RPC 2.0 over HTTP to a running Tidepool server, for the CLI's client commands.
struct ServerConnection {
    /// Base URL of the server (`http://127.0.0.1:9123`).
    let url: String
    /// Bearer token, when the server requires one.
    let token: String?
    /// Bound on one call (renders take up to their own 120 s deadline).
    var timeout: TimeAmount = .seconds(150)

    /// Calls `method` and returns its result; throws `CLIError` for a JSON-RPC error, a non-200 answer or
    /// a transport failure.
    func call(_ method: String, _ params: JSONValue) async throws -> JSONValue {
        let body: JSONValue = ["jsonrpc": "2.0", "method": .string(method), "params": params, "id": 1]
        var request = HTTPClientRequest(url: url.trimmingSuffix("/") + "/rpc")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        request.body = .bytes(ByteBuffer(data: try body.jsonData()))
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: timeout)
        } catch {
            throw CLIError("cannot reach the Tidepool server at \(url): \(error) (start one with `tidepool serve`, or use --local)")
        }
        let bytes = try await response.body.collect(upTo: 512 << 20)
        guard response.status == .ok else {
            throw CLIError("the server at \(url) answered HTTP \(response.status.code): \(String(buffer: bytes))")
        }
        let answer = try JSONValue(parsing: Data(buffer: bytes))
        if let error = answer["error"] {
            let code = error["code"]?.intValue.map(String.init) ?? "?"
            let message = error["message"]?.stringValue ?? "error"
            let data = error["data"].map { " " + $0.jsonString() } ?? ""
            throw CLIError("\(method) failed: \(code) \(message)\(data)")
        }
        return answer["result"] ?? .null
    }
}

/// A failure the CLI reports in one line on stderr (exit status 1).
struct CLIError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
