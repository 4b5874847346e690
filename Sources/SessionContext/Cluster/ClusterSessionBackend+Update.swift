extension ClusterSessionBackend {
    /// `SessionBackend.update` under a lease: runs `body` on a copy of the record and stores it only
    /// when `body` returns and `fence.lease` is still the session's newest; `.leaseLost` when it is not.
    public func update<R: Sendable>(
        _ id: SessionID, fencedBy fence: SessionFence, _ body: (inout RpcSessionContext?) throws(SessionError) -> R
    ) async throws(SessionError) -> R {
        try await modify(id, fencedBy: fence) { (record: inout RpcSessionContext?) -> Result<R, SessionError> in
            RecordChange.apply(body, id: id, to: &record)
        }.get()
    }
}
