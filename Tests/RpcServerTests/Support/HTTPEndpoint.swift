import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import RenderTypes

/// An answer over HTTP.
struct HTTPAnswer {
    var status: Int
    var headers: HTTPHeaders
    var body: String

    /// The body parsed as JSON.
    var json: JSONValue {
        get throws { try JSONValue(parsing: Data(body.utf8)) }
    }
}

/// Something answering Tidepool's HTTP surface at `baseURL`: the in-process test server or the
/// `tidepool serve` child process.
protocol HTTPEndpoint {
    var baseURL: String { get }
}

extension HTTPEndpoint {
    /// Sends one HTTP request and collects the answer (at most 16 MiB, 30 s).
    func request(
        _ method: HTTPMethod, _ path: String, body: String? = nil,
        headers: [(String, String)] = [("Content-Type", "application/json")]
    ) async throws -> HTTPAnswer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return HTTPAnswer(status: Int(response.status.code), headers: response.headers, body: String(buffer: bytes))
    }

    /// POSTs `text` to /rpc in 512-byte chunks without a Content-Length.
    func rpcChunked(_ text: String) async throws -> HTTPAnswer {
        var request = HTTPClientRequest(url: baseURL + "/rpc")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        let bytes = Array(text.utf8)
        let chunks = stride(from: 0, to: bytes.count, by: 512).map { ByteBuffer(bytes: bytes[$0..<min($0 + 512, bytes.count)]) }
        request.body = .stream(chunks.async, length: .unknown)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 16 << 20)
        return HTTPAnswer(status: Int(response.status.code), headers: response.headers, body: String(buffer: body))
    }

    /// POSTs a JSON-RPC body to /rpc.
    func rpc(_ body: String, headers: [(String, String)] = [("Content-Type", "application/json")]) async throws -> HTTPAnswer {
        try await request(.POST, "/rpc", body: body, headers: headers)
    }

    /// Calls `method` with `params` and returns the whole response object.
    func call(_ method: String, _ params: JSONValue? = nil, id: JSONValue = 1) async throws -> JSONValue {
        var request: [String: JSONValue] = ["jsonrpc": "2.0", "method": .string(method), "id": id]
        if let params { request["params"] = params }
        let answer = try await rpc(JSONValue.object(request).jsonString())
        guard answer.status == 200 else { throw UnexpectedStatus(status: answer.status, body: answer.body) }
        return try answer.json
    }

    /// Calls `method` and returns its `result`, failing when the call answered an error.
    func result(_ method: String, _ params: JSONValue? = nil) async throws -> JSONValue {
        let response = try await call(method, params)
        guard let result = response["result"] else { throw UnexpectedError(response: response) }
        return result
    }
}

struct UnexpectedStatus: Error, CustomStringConvertible {
    var status: Int
    var body: String
    var description: String { "HTTP \(status): \(body)" }
}

struct UnexpectedError: Error, CustomStringConvertible {
    var response: JSONValue
    var description: String { "expected a result, got \(response.jsonString())" }
}
