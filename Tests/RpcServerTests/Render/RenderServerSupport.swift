import Logging
@testable import Rendering
import RenderTypes
@testable import RpcServer
import TestSupport
import Testing

/// Parent of every RpcServer suite that starts real Chromium: serialized as a whole, so these suites
/// never run browsers in parallel with each other on the 2-core machine.
@Suite(.serialized) enum BrowserSuites {}

extension RenderServer {
    /// Calls `render` expecting an error and returns the error object.
    func renderError(
        _ path: String, _ params: [String: JSONValue] = [:], sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> JSONValue {
        let response = try await render(path, params)
        return try #require(response["error"], "expected an error: \(response.jsonString())", sourceLocation: sourceLocation)
    }
}

extension RenderService {
    /// One `render` call served as the JSON-RPC method serves it: a failure is the wire's error object.
    func render(_ params: RenderParams, logger: Logger) async throws -> DynamicRenderResult {
        let calls = RenderCalls(renders: self, errors: RenderErrorMetrics(factory: ServerMetrics().factory))
        return try await calls.serve(params, logger: logger)
    }
}
