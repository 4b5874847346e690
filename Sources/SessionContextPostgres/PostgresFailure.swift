import PostgresNIO
import SessionContext

/// What a failed database call means for the backend: the database answered with an error about
/// the statement (a bug or bad data: `.backend`), or it could not be reached (down, restarting,
/// connection lost, no connection in time: `.unavailable`, and the backend reconnects).
enum PostgresFailure {
    /// The error `error` becomes when `what` failed on the database at `location`.
    static func sessionError(_ error: any Error, what: String, location: String) -> SessionError {
        let error = unwrapped(error)
        if let error = error as? SessionError { return error }
        let detail = describe(error)
        if isConnectionFailure(error) {
            return .unavailable("\(location) is unreachable (\(what): \(detail))")
        }
        if isLockTimeout(error) {
            // Another transaction held what this one waited for (a session's row, the creation
            // gate) past `lock_timeout`: the database is busy, not lost, and a retry may pass.
            return .unavailable("\(location) is busy (\(what): \(detail))")
        }
        return .backend("\(location) could not \(what): \(detail)")
    }

    /// Whether `error` says the database could not be reached, rather than refusing a statement.
    /// Server errors of class 08 (connection exception) and 57P (the server shutting down or
    /// starting) count as unreachable; every other server error is the statement's.
    static func isConnectionFailure(_ error: any Error) -> Bool {
        let error = unwrapped(error)
        if error is OperationTimeout { return true }
        if error is SessionError || error is SchemaRefusal || error is DecodingError { return false }
        guard let error = error as? PSQLError else { return true }
        guard error.code == .server else {
            // Decoding failures are the data's, not the connection's.
            return error.code != .messageDecodingFailure && error.code != .tooManyParameters
        }
        let state = error.serverInfo?[.sqlState] ?? ""
        return state.hasPrefix("08") || state.hasPrefix("57P")
    }

    /// Whether `error` is the server giving up a wait for a lock (`lock_timeout`, SQLSTATE 55P03).
    static func isLockTimeout(_ error: any Error) -> Bool {
        guard let error = unwrapped(error) as? PSQLError, error.code == .server else { return false }
        return error.serverInfo?[.sqlState] == "55P03"
    }

    /// A one-line account of `error`: the server's message and SQLSTATE when it answered, else the
    /// client's code and its underlying cause. PSQLError's own description hides both on purpose
    /// (it may carry the query); this names neither the query's binds nor credentials.
    static func describe(_ error: any Error) -> String {
        let error = unwrapped(error)
        guard let error = error as? PSQLError else { return "\(error)" }
        if error.code == .server, let message = error.serverInfo?[.message] {
            return "\(message) (SQLSTATE \(error.serverInfo?[.sqlState] ?? "?"))"
        }
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }
}

extension PostgresFailure {
    /// The error inside a transaction's wrapper: what the body, BEGIN or COMMIT threw.
    static func unwrapped(_ error: any Error) -> any Error {
        guard let transaction = error as? PostgresTransactionError,
            let inner = transaction.closureError ?? transaction.beginError ?? transaction.commitError
        else { return error }
        return unwrapped(inner)
    }
}

/// A database call that did not finish within the backend's operation timeout.
struct OperationTimeout: Error, CustomStringConvertible {
    let limit: Duration
    /// Given up on after the caller's change was made in the transaction: it may have been written.
    var outcomeUnknown = false

    var description: String {
        outcomeUnknown
            ? "no answer within \(limit) to the commit of the change, which may have been written: read it back to know"
            : "no answer within \(limit)"
    }
}
