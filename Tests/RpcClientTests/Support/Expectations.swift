import RpcClient
import Testing

/// The `RpcError` `body` throws; records an issue (and returns nil) when it returns instead or
/// throws another kind of error.
func rpcError<T>(
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> T
) async -> RpcError? {
    do {
        let value = try await body()
        Issue.record("expected an RpcError, got \(value)", sourceLocation: sourceLocation)
        return nil
    } catch let error as RpcError {
        return error
    } catch {
        Issue.record("expected an RpcError, got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
