import Foundation
import Logging
import RenderTypes
import SessionContext

extension RpcClient {
    /// Sends the calls `build` adds as one JSON-RPC batch and returns their typed results in the
    /// same order: `let (h, s) = try await client.batch { b in (b.health(), b.session(id: "a")) }`.
    /// Each member succeeds or fails on its own; the batch throws only when no answer came
    /// (transport, deadline) or the server refused the batch as a whole.
    public func batch<each Value: Sendable>(
        _ build: (inout RpcBatch) throws(RpcError) -> (repeat BatchCall<each Value>)
    ) async throws(RpcError) -> (repeat Result<each Value, RpcError>) {
        var batch = RpcBatch(renderGrace: configuration.renderDeadlineGrace)
        let calls = try build(&batch)
        let results = try await send(batch)
        return (repeat results[each calls])
    }

    /// Sends the calls `build` returns (all of one result type, e.g. renders of many URLs) as one
    /// batch; their results come back in the same order.
    public func batch<Value: Sendable>(
        _ build: (inout RpcBatch) throws(RpcError) -> [BatchCall<Value>]
    ) async throws(RpcError) -> [Result<Value, RpcError>] {
        var batch = RpcBatch(renderGrace: configuration.renderDeadlineGrace)
        let calls = try build(&batch)
        let results = try await send(batch)
        return calls.map { results[$0] }
    }

    /// Sends `batch` as one JSON-RPC batch. Renders on a session are admitted by the client-side
    /// store first (a refused one fails alone and is not sent); members that fail with a retryable
    /// error (-32006, -32008) are sent again, alone, per the retry policy and within the deadline.
    /// An empty batch makes no network call.
    public func send(_ batch: RpcBatch) async throws(RpcError) -> RpcBatchResults {
        try checkRunning()
        let entries = batch.entries
        var results = [Result<any Sendable, RpcError>?](repeating: nil, count: entries.count)
        var admitted: [(index: Int, store: any ClientSessionStore)] = []
        for (index, entry) in entries.enumerated() {
            do throws(RpcError) {
                if let store = try await admit(entry.sessionID) { admitted.append((index, store)) }
            } catch {
                results[index] = .failure(error)
            }
        }
        var pending = entries.indices.filter { results[$0] == nil }
        let deadline = deadline(atLeast: entries.compactMap(\.minimumTimeout).max())
        var batchFailure: RpcError?
        if !pending.isEmpty {
            do throws(RpcError) {
                try await withRetries(
                    policy: configuration.retryPolicy, deadline: deadline, logger: logger, label: "batch"
                ) { (_: Int) throws(RpcError) -> AttemptOutcome<Void> in
                    // Ids are positions + 1, the same in every attempt, so answers map back whatever their order.
                    let requests = pending.map { RpcRequestEnvelope(method: entries[$0].method, params: entries[$0].params, id: $0 + 1) }
                    let answers = try Self.batchAnswers(try await transport.post(try RpcCoding.encode(requests), deadline: deadline))
                    var retry: [Int] = []
                    var retryCause: RpcError?
                    for index in pending {
                        guard let answer = answers[index + 1] else {
                            results[index] = .failure(.invalidResponse("the batch answer has no response with id \(index + 1)"))
                            continue
                        }
                        switch answer.outcome {
                        case .success(let value):
                            results[index] = Result { () throws(RpcError) in try entries[index].decodeResult(value) }
                        case .failure(let object):
                            let error = RpcError(object)
                            results[index] = .failure(error)
                            if configuration.retryPolicy.isRetryable(error) {
                                retry.append(index)
                                if (error.retryAfter ?? .zero) >= (retryCause?.retryAfter ?? .zero) { retryCause = error }
                            }
                        }
                    }
                    pending = retry
                    return retryCause.map { .retryable($0, partial: ()) } ?? .finished(())
                }
            } catch {
                batchFailure = error
            }
        }
        for (index, store) in admitted {
            let entry = entries[index]
            let result: Result<any Sendable, RpcError> = results[index] ?? .failure(batchFailure ?? .cancelled)
            let outcome = result.map { value in entry.sessionOutcome(value) ?? RequestOutcome(url: entry.url) }
            guard let id = entry.sessionID else { continue }
            await complete(id, in: store, outcome: outcome, url: entry.url)
        }
        if let batchFailure { throw batchFailure }
        return RpcBatchResults(results: results.map { $0 ?? .failure(.invalidResponse("no answer")) })
    }

    /// The members of a batch answer by id. A single error object instead of an array (the server
    /// refused the whole batch) is thrown.
    static func batchAnswers(_ data: Data) throws(RpcError) -> [Int: RpcResponseEnvelope<JSONValue>] {
        if let array = try? JSONDecoder().decode([RpcResponseEnvelope<JSONValue>].self, from: data) {
            var byID: [Int: RpcResponseEnvelope<JSONValue>] = [:]
            for answer in array {
                if let id = answer.id.intValue { byID[id] = answer }
            }
            return byID
        }
        let single = try RpcCoding.decode(RpcResponseEnvelope<JSONValue>.self, from: data, what: "answer to a batch")
        switch single.outcome {
        case .failure(let object): throw RpcError(object)
        case .success: throw .invalidResponse("a batch was answered with a single result")
        }
    }
}
