/// The database layout, as numbered migrations. `PRAGMA user_version` records the version a
/// database is at; opening applies every later migration, each in its own transaction, and refuses
/// a database from a newer Tidepool. Never edit a shipped migration: append a new one.
enum SQLiteSchema {
    /// Statements of each migration, keyed by the version they bring the database to.
    static let migrations: [Int: [String]] = [
        1: [
            // One row per session: the record as JSON, plus the columns listing, expiry and
            // metrics need, so those never parse JSON.
            """
            CREATE TABLE sessions (
                id TEXT PRIMARY KEY NOT NULL,
                expires_at REAL NOT NULL,
                created_at REAL NOT NULL,
                request_count INTEGER NOT NULL,
                render_count INTEGER NOT NULL,
                render_time_ms REAL NOT NULL,
                error_count INTEGER NOT NULL,
                profile TEXT,
                record TEXT NOT NULL
            ) WITHOUT ROWID
            """,
            "CREATE INDEX sessions_expires_at ON sessions (expires_at)",
            // Store-wide counters that must survive restarts (expired_cleaned).
            "CREATE TABLE counters (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL) WITHOUT ROWID",
        ],
        2: [
            // Tenants: a session is keyed by its tenant and its id, so two tenants may use one id.
            // SQLite cannot change a primary key in place: the table is rebuilt, every session
            // written before becoming the `default` tenant's.
            """
            CREATE TABLE sessions_by_tenant (
                tenant TEXT NOT NULL,
                id TEXT NOT NULL,
                expires_at REAL NOT NULL,
                created_at REAL NOT NULL,
                request_count INTEGER NOT NULL,
                render_count INTEGER NOT NULL,
                render_time_ms REAL NOT NULL,
                error_count INTEGER NOT NULL,
                profile TEXT,
                record TEXT NOT NULL,
                PRIMARY KEY (tenant, id)
            ) WITHOUT ROWID
            """,
            """
            INSERT INTO sessions_by_tenant
                (tenant, id, expires_at, created_at, request_count, render_count, render_time_ms, error_count, profile, record)
            SELECT 'default', id, expires_at, created_at, request_count, render_count, render_time_ms, error_count, profile, record
            FROM sessions
            """,
            "DROP TABLE sessions",
            "ALTER TABLE sessions_by_tenant RENAME TO sessions",
            "CREATE INDEX sessions_expires_at ON sessions (expires_at)",
        ],
        3: [
            // Usage totals (`UsageStore`): a tenant's per minute, day and month (key: the period's
            // start in unix seconds) and each session's (key: the session id).
            """
            CREATE TABLE usage (
                tenant TEXT NOT NULL,
                scope TEXT NOT NULL,
                key TEXT NOT NULL,
                renders INTEGER NOT NULL,
                browser_ms INTEGER NOT NULL,
                bytes_in INTEGER NOT NULL,
                bytes_out INTEGER NOT NULL,
                PRIMARY KEY (tenant, scope, key)
            ) WITHOUT ROWID
            """,
        ],
    ]

    /// The version this build writes.
    static var latestVersion: Int { migrations.keys.max() ?? 0 }
}
