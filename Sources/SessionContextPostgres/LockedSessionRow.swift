import Foundation
import PostgresNIO
import SessionContext

/// A session row read `FOR UPDATE` inside a change's transaction: the session and its lease, which
/// a fenced write checks before it writes.
struct LockedSessionRow {
    var session: RpcSessionContext
    var leaseToken: Int64
    var leaseHolder: String?

    /// The row of a `SELECT <SessionRow.selected>, lease_token, lease_holder`; `.backend` naming
    /// `database` when it is corrupt.
    init(_ row: PostgresRow, database: String) throws(SessionError) {
        let columns: (Data, Data?, Data?, Int64, String?)
        do {
            columns = try row.decode((Data, Data?, Data?, Int64, String?).self)
        } catch {
            throw .backend("a session row in \(database) is corrupt: \(String(reflecting: error))")
        }
        session = try SessionRow.session(record: columns.0, cookies: columns.1, localStorage: columns.2, database: database)
        leaseToken = columns.3
        leaseHolder = columns.4
    }

    /// Whether `lease` is the row's lease still: granted last (tokens only grow) and not released.
    func isHeld(by lease: SessionLease) -> Bool {
        leaseHolder != nil && leaseToken == lease.token
    }
}
