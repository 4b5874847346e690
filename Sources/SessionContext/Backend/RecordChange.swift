/// A change that may throw, run where `modify` wants one that cannot: on a copy of the record, kept
/// only when the change returns (so a refusal writes nothing), and checked not to swap the id.
enum RecordChange {
    /// Runs `body` on a copy of `record` and stores the copy back when it returns; the error it
    /// threw otherwise, or `.invalidValue` for `session_id` when it assigned a record of another id.
    static func apply<R>(
        _ body: (inout RpcSessionContext?) throws(SessionError) -> R, id: SessionID, to record: inout RpcSessionContext?
    ) -> Result<R, SessionError> {
        var working = record
        do throws(SessionError) {
            let result = try body(&working)
            if let working, working.sessionId != id {
                throw .invalidValue(field: "session_id", reason: "an update may not change the session id")
            }
            record = working
            return .success(result)
        } catch {
            return .failure(error)
        }
    }
}
