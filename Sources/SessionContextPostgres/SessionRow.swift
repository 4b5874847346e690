import Foundation
import PostgresNIO
import RenderTypes
import SessionContext

/// A session as the columns of `tidepool_sessions` hold it, and back: the record without its
/// browser state as JSON, the cookies and localStorage as JSON of their own (nil when empty), and
/// the plain columns listing, expiry and `summary` read.
struct SessionRow {
    /// The columns every read selects, in the order `decode` takes them.
    static let selected = "record, cookies, local_storage"

    var record: JSONColumn
    var cookies: JSONColumn?
    var localStorage: JSONColumn?

    /// Encodes `session`; `.backend` naming the session when it cannot be (a NaN in its metadata).
    init(_ session: RpcSessionContext) throws(SessionError) {
        var core = session
        core.cookies = []
        core.localStorage = [:]
        do {
            let encoder = JSONEncoder()
            record = JSONColumn(text: try encoder.encode(core))
            cookies = session.cookies.isEmpty ? nil : JSONColumn(text: try encoder.encode(session.cookies))
            localStorage = session.localStorage.isEmpty ? nil : JSONColumn(text: try encoder.encode(session.localStorage))
        } catch {
            throw .backend("cannot encode session \(session.sessionId): \(error)")
        }
    }

    /// The session of the first of `rows` (selected with `selected`), nil when there is none.
    static func first(of rows: PostgresRowSequence, database: String) async throws -> RpcSessionContext? {
        for try await row in rows { return try decode(row, database: database) }
        return nil
    }

    /// The session of a row selected with `selected`; `.backend` naming `database` when it is corrupt.
    static func decode(_ row: PostgresRow, database: String) throws(SessionError) -> RpcSessionContext {
        let columns: (Data, Data?, Data?)
        do {
            columns = try row.decode((Data, Data?, Data?).self)
        } catch {
            throw .backend("a session row in \(database) is corrupt: \(String(reflecting: error))")
        }
        return try session(record: columns.0, cookies: columns.1, localStorage: columns.2, database: database)
    }

    /// The session whose columns (`record`, `cookies`, `local_storage`) hold these texts; `.backend`
    /// naming `database` when they are corrupt.
    static func session(record: Data, cookies: Data?, localStorage: Data?, database: String) throws(SessionError)
        -> RpcSessionContext
    {
        do {
            let decoder = JSONDecoder()
            var session = try decoder.decode(RpcSessionContext.self, from: record)
            if let cookies { session.cookies = try decoder.decode([Cookie].self, from: cookies) }
            if let localStorage { session.localStorage = try decoder.decode([String: [String: String]].self, from: localStorage) }
            return session
        } catch {
            throw .backend("a session row in \(database) is corrupt: \(String(reflecting: error))")
        }
    }
}
