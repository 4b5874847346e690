import AsyncHTTPClient
import Foundation
import NIOCore
package import NIOHTTP1
package import RenderTypes
package import RpcClient

/// An answer over HTTP.
package struct HTTPAnswer {
    package var status: Int
    package var headers: HTTPHeaders
    package var body: String

    /// The body parsed as JSON.
    package var json: JSONValue {
        get throws { try JSONValue(parsing: Data(body.utf8)) }
    }
}

/// Something answering Tidepool's HTTP surface at `baseURL`: the in-process test server, a
/// `tidepool serve` child process, or a scripted stand-in.
package protocol HTTPEndpoint {
    var baseURL: String { get }
    /// What every request sends unless it says otherwise: JSON, and a bearer token where needed.
    var headers: [(String, String)] { get }
}

extension HTTPEndpoint {
    /// JSON, no token.
    package var headers: [(String, String)] { [("Content-Type", "application/json")] }

    /// Sends one HTTP request (with `headers`, else the endpoint's own) and collects the answer
    /// (at most 16 MiB, 30 s).
    package func request(
        _ method: HTTPMethod, _ path: String, body: String? = nil, headers: [(String, String)]? = nil
    ) async throws -> HTTPAnswer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        for (name, value) in headers ?? self.headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        return try await send(request)
    }

    /// POSTs `text` to /rpc in 512-byte chunks without a Content-Length.
    package func rpcChunked(_ text: String) async throws -> HTTPAnswer {
        var request = HTTPClientRequest(url: baseURL + "/rpc")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        let bytes = Array(text.utf8)
        let chunks = stride(from: 0, to: bytes.count, by: 512).map { ByteBuffer(bytes: bytes[$0..<min($0 + 512, bytes.count)]) }
        request.body = .stream(chunks.async, length: .unknown)
        return try await send(request)
    }

    private func send(_ request: HTTPClientRequest) async throws -> HTTPAnswer {
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 16 << 20)
        return HTTPAnswer(status: Int(response.status.code), headers: response.headers, body: String(buffer: body))
    }

    /// POSTs a JSON-RPC body to /rpc (with `headers`, else the endpoint's own).
    package func rpc(_ body: String, headers: [(String, String)]? = nil) async throws -> HTTPAnswer {
        try await request(.POST, "/rpc", body: body, headers: headers)
    }

    /// Calls `method` with `params` and returns the whole response object.
    package func call(_ method: String, _ params: JSONValue? = nil, id: JSONValue = 1) async throws -> JSONValue {
        var request: [String: JSONValue] = ["jsonrpc": "2.0", "method": .string(method), "id": id]
        if let params { request["params"] = params }
        let answer = try await rpc(JSONValue.object(request).jsonString())
        guard answer.status == 200 else { throw UnexpectedStatus(status: answer.status, body: answer.body) }
        return try answer.json
    }

    /// Calls `method` and returns its `result`, failing when the call answered an error.
    package func result(_ method: String, _ params: JSONValue? = nil) async throws -> JSONValue {
        let response = try await call(method, params)
        guard let result = response["result"] else { throw UnexpectedError(response: response) }
        return result
    }

    /// Runs `body` with an `RpcClient` of this endpoint (shut down afterwards).
    package func withClient<T>(
        _ configuration: RpcClient.Configuration = .quietTest, _ body: (RpcClient) async throws -> T
    ) async throws -> T {
        try await RpcClient.withClient(url: baseURL, configuration: configuration, body)
    }
}

extension RpcClient.Configuration {
    /// Test defaults: warnings only in the log, a short deadline so a broken test fails quickly.
    package static var quietTest: Self {
        Self(timeout: .seconds(20), logger: testLogger("tidepool.client-test"))
    }

    /// `quietTest` with `changes` applied.
    package static func testing(_ changes: (inout Self) -> Void) -> Self {
        var configuration = quietTest
        changes(&configuration)
        return configuration
    }
}

/// An answer with another HTTP status than 200.
package struct UnexpectedStatus: Error, CustomStringConvertible {
    package var status: Int
    package var body: String
    package var description: String { "HTTP \(status): \(body)" }
}

/// A JSON-RPC error where a result was expected.
package struct UnexpectedError: Error, CustomStringConvertible {
    package var response: JSONValue
    package init(response: JSONValue) { self.response = response }
    package var description: String { "expected a result, got \(response.jsonString())" }
}

/// A finished async sequence of the array's elements (a streamed request body).
private struct AsyncArray<Element: Sendable>: AsyncSequence, Sendable {
    let elements: [Element]

    struct AsyncIterator: AsyncIteratorProtocol {
        var remaining: ArraySlice<Element>
        mutating func next() async -> Element? { remaining.popFirst() }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(remaining: elements[...]) }
}

extension Array where Element: Sendable {
    fileprivate var async: AsyncArray<Element> { AsyncArray(elements: self) }
}
