import RenderTypes
import RpcClient

/// How the client commands use `RpcClient`: every call's `RpcError` becomes a `CLIError` that
/// names the method and the server.
extension RpcClient {
    /// Runs `body` with a client of `url` (sending `token`, when given), shut down afterwards.
    static func withCLIClient<T>(url: String, token: String?, _ body: (RpcClient) async throws -> T) async throws -> T {
        do {
            return try await withClient(url: url, configuration: Configuration(token: token), body)
        } catch let error as RpcError {
            // Only the client's creation throws `RpcError` here (a bad URL): calls throw `CLIError`.
            throw CLIError("--server: \(error)")
        }
    }

    /// Runs `call` on this client; its failure is reported as `method`'s.
    func calling<T>(_ method: String, _ call: (RpcClient) async throws(RpcError) -> T) async throws(CLIError) -> T {
        do {
            return try await call(self)
        } catch {
            throw CLIError(error, method: method, server: url)
        }
    }

    /// Calls `method` with `params` and returns its result as the server sent it, for commands
    /// that print it: decoding the typed result and encoding it again would not give the same
    /// JSON (a `SessionInfo`'s timestamps may come back 1 ms earlier).
    func resultJSON(_ method: String, _ params: some Encodable & Sendable) async throws(CLIError) -> JSONValue {
        try await calling(method) { (client) throws(RpcError) in try await client.call(RpcCall(method: method, params: params)) }
    }
}
