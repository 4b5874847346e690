/// The database layout, as numbered migrations. `tidepool_schema_version` records which versions a
/// database has; opening applies every later migration in one transaction that first takes
/// `migrationLockKey` as a transaction-scoped advisory lock, so two nodes starting at once apply each
/// migration exactly once (the second waits, then finds nothing left to do). A database from a newer
/// Tidepool is refused. Never edit a shipped migration: append a new one (the cluster's nodes table and
/// a session's owner and lease columns come as later versions).
enum PostgresSchema {
    /// The advisory lock every node takes around migrating: the first eight bytes of "tidepool" as a
    /// big-endian integer, so it is unlikely to collide with another application's lock on the same
    /// database.
    static let migrationLockKey: Int64 = 0x7469_6465_706F_6F6C

    /// The first key of the two-key advisory locks that serialise creators of one session id (the
    /// second is the id's `hashtext`): "tide" as a big-endian integer. Two-key locks are a key space
    /// of their own, apart from `migrationLockKey`'s.
    static let sessionLockClass: Int32 = 0x7469_6465

    /// Creates the version table itself; idempotent, run under the migration lock.
    static let versionTable = """
        CREATE TABLE IF NOT EXISTS tidepool_schema_version (
            version integer PRIMARY KEY,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """

    /// Statements of each migration, keyed by the version they bring the database to.
    static let migrations: [Int: [String]] = [
        1: [
            // One row per session. `record` is the session without its browser state, which lives in
            // `cookies` and `local_storage` so that an update leaving them alone (a request counted)
            // does not rewrite megabytes of localStorage. `json` (not `jsonb`) keeps the text exactly
            // as written: jsonb refuses "\u0000" in a string and reorders keys. The other columns are
            // what listing (`id`, byte order like SessionID's `<`), expiry (`expires_at`, unix
            // seconds as the record's Double, so the index and `isExpired` agree to the bit) and
            // `summary` need, so those never parse JSON.
            """
            CREATE TABLE tidepool_sessions (
                id text COLLATE "C" PRIMARY KEY,
                expires_at double precision NOT NULL,
                created_at double precision NOT NULL,
                request_count bigint NOT NULL,
                render_count bigint NOT NULL,
                render_time_ms double precision NOT NULL,
                error_count bigint NOT NULL,
                profile text,
                record json NOT NULL,
                cookies json,
                local_storage json
            )
            """,
            "CREATE INDEX tidepool_sessions_expires_at ON tidepool_sessions (expires_at)",
            // Store-wide counters that must survive restarts and be shared by every node (expired_cleaned).
            "CREATE TABLE tidepool_counters (name text PRIMARY KEY, value bigint NOT NULL)",
        ]
    ]

    /// The version this build writes.
    static var latestVersion: Int { migrations.keys.max() ?? 0 }
}
