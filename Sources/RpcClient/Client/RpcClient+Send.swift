import Foundation
import Logging
import SessionContext
import Synchronization

extension RpcClient {
    /// Sends one call and returns its typed result, retrying per `configuration.retryPolicy`
    /// within the call's deadline. A render on a session is first admitted by the client-side
    /// session store (when enabled): one over its `max_requests` is refused here, with no network
    /// call, and the outcome is recorded afterwards.
    public func call<Value>(_ call: RpcCall<Value>) async throws(RpcError) -> Value {
        try checkRunning()
        let store = try await admit(call.sessionRender?.sessionID)
        let deadline = deadline(atLeast: call.minimumTimeout)
        let outcome: Result<Value, RpcError>
        do throws(RpcError) {
            let body = try RpcCoding.encode(RpcRequestEnvelope(method: call.method, params: call.params, id: 1))
            let value = try await withRetries(
                policy: configuration.retryPolicy, deadline: deadline, logger: logger, label: call.method
            ) { (_: Int) throws(RpcError) -> AttemptOutcome<Value> in
                .finished(try call.decodeResponse(try await transport.post(body, deadline: deadline)))
            }
            outcome = .success(value)
        } catch {
            outcome = .failure(error)
        }
        if let store, let render = call.sessionRender {
            await complete(render.sessionID, in: store, outcome: outcome.map(render.outcome), url: render.url)
        }
        return try outcome.get()
    }

    // MARK: Client-side session bookkeeping

    /// Admits one render on session `id` in the client-side store, if sessions are enabled:
    /// creates the session when it never existed, refuses it when expired or over its limit, and
    /// counts it, atomically. Returns the store that admitted it (nil: nothing to record later).
    func admit(_ id: SessionID?) async throws(RpcError) -> (any ClientSessionStore)? {
        guard let id, let store = localSessions.withLock({ $0?.store }) else { return nil }
        do {
            try await store.beginRequest(id, createIfMissing: true, bindingProfile: nil)
        } catch {
            logger.debug("render refused by the client session store", metadata: ["session": "\(id)", "error": "\(error)"])
            throw RpcError(error)
        }
        return store
    }

    /// Records the outcome of an admitted render: final URL and render time, or the error. A
    /// failure to record (the session was removed meanwhile) is logged, never thrown: the render
    /// itself already happened.
    func complete(
        _ id: SessionID, in store: any ClientSessionStore, outcome: Result<RequestOutcome, RpcError>, url: String
    ) async {
        let record: RequestOutcome
        switch outcome {
        case .success(let success): record = success
        case .failure(let error): record = RequestOutcome(url: url, error: error.description)
        }
        do {
            try await store.completeRequest(id, record)
        } catch {
            logger.warning(
                "could not record a render in the client session store",
                metadata: ["session": "\(id)", "error": "\(error)"]
            )
        }
    }
}
