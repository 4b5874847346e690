/// The database layout, as numbered migrations. `tidepool_schema_version` records which versions a
/// database has; opening applies every later migration in one transaction that first takes
/// `migrationLockKey` as a transaction-scoped advisory lock, so two nodes starting at once apply each
/// migration exactly once (the second waits, then finds nothing left to do). A database from a newer
/// Tidepool is refused. Never edit a shipped migration: append a new one.
enum PostgresSchema {
    /// The advisory lock every node takes around migrating: the first eight bytes of "tidepool" as a
    /// big-endian integer, so it is unlikely to collide with another application's lock on the same
    /// database.
    static let migrationLockKey: Int64 = 0x7469_6465_706F_6F6C

    /// The first key of the two-key advisory locks that serialise creators of one session id (the
    /// second is the id's `hashtext`): "tide" as a big-endian integer. Two-key locks are a key space
    /// of their own, apart from `migrationLockKey`'s.
    static let sessionLockClass: Int32 = 0x7469_6465

    /// The advisory lock of the session creation gate (`withCreationGate`): "tidecaps" as a
    /// big-endian integer, apart from the migration's.
    static let creationLockKey: Int64 = 0x7469_6465_6361_7073

    /// Now on the database's clock, in unix seconds (the statement's start, so one statement reads
    /// one instant): leases and heartbeats are judged by it, never by a node's own clock.
    static let now = "extract(epoch FROM statement_timestamp())::double precision"

    /// Heartbeats older than this (a day) are forgotten: a node gone for good leaves no row behind.
    static let forgetNodesAfterSeconds = 86_400.0

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
        ],
        2: [
            // The cluster: fencing tokens come from one sequence, so a token is higher than every
            // token granted before it, for any session and across a session deleted and created
            // again. A session's lease lives in its own row (holder, token, expiry on the database's
            // clock), so the fencing check and the write it guards take the same row lock; its
            // owner is the node holding its warm context or profile browser.
            "CREATE SEQUENCE tidepool_lease_tokens",
            """
            ALTER TABLE tidepool_sessions
                ADD COLUMN owner_node text,
                ADD COLUMN lease_holder text,
                ADD COLUMN lease_token bigint NOT NULL DEFAULT 0,
                ADD COLUMN lease_expires_at double precision NOT NULL DEFAULT 0
            """,
            // One row per node, refreshed by its heartbeat (unix seconds on the database's clock).
            """
            CREATE TABLE tidepool_nodes (
                id text COLLATE "C" PRIMARY KEY,
                advertise_url text NOT NULL,
                last_heartbeat double precision NOT NULL,
                load double precision NOT NULL,
                browsers integer NOT NULL
            )
            """,
        ],
        3: [
            // Tenants: a session is keyed by its tenant and its id, so two tenants may use one id;
            // every session written before belongs to the `default` tenant. Writes name the tenant
            // (the default only fills the rows that exist).
            """
            ALTER TABLE tidepool_sessions ADD COLUMN tenant text COLLATE "C" NOT NULL DEFAULT 'default'
            """,
            "ALTER TABLE tidepool_sessions ALTER COLUMN tenant DROP DEFAULT",
            "ALTER TABLE tidepool_sessions DROP CONSTRAINT tidepool_sessions_pkey",
            "ALTER TABLE tidepool_sessions ADD PRIMARY KEY (tenant, id)",
        ],
        4: [
            // Usage totals (`UsageStore`): a tenant's per minute, day and month (key: the period's
            // start in unix seconds) and each session's (key: the session id).
            """
            CREATE TABLE tidepool_usage (
                tenant text COLLATE "C" NOT NULL,
                scope text NOT NULL,
                key text COLLATE "C" NOT NULL,
                renders bigint NOT NULL,
                browser_ms bigint NOT NULL,
                bytes_in bigint NOT NULL,
                bytes_out bigint NOT NULL,
                PRIMARY KEY (tenant, scope, key)
            )
            """,
        ],
        5: [
            // Renders admitted against a tenant's count limits, by minute and day (key: the period's
            // start in unix seconds), as every node admitted them (`admitRender`): exact across nodes.
            """
            CREATE TABLE tidepool_admissions (
                tenant text COLLATE "C" NOT NULL,
                scope text NOT NULL,
                key text COLLATE "C" NOT NULL,
                admitted bigint NOT NULL,
                PRIMARY KEY (tenant, scope, key)
            )
            """,
            // One round trip per admission. A period's row starts from the renders the usage
            // totals already hold for it (a cluster upgraded mid-day keeps its count); the minute
            // row is locked before the day's, by every caller, so two admissions never deadlock.
            // Creating a minute row also drops the tenant's rows older than an hour (minutes) and
            // two days (days).
            """
            CREATE FUNCTION tidepool_admit_render(p_tenant text, p_minute text, p_minute_limit bigint, p_day text, p_day_limit bigint)
            RETURNS TABLE (refused_scope text, used bigint) LANGUAGE plpgsql AS $$
            DECLARE
                created bigint;
                minute_count bigint;
                day_count bigint;
            BEGIN
                INSERT INTO tidepool_admissions (tenant, scope, key, admitted)
                SELECT p_tenant, periods.scope, periods.key,
                    coalesce((SELECT u.renders FROM tidepool_usage u
                        WHERE u.tenant = p_tenant AND u.scope = periods.scope AND u.key = periods.key), 0)
                FROM (VALUES ('minute', p_minute), ('day', p_day)) AS periods (scope, key)
                ON CONFLICT DO NOTHING;
                GET DIAGNOSTICS created = ROW_COUNT;
                IF created > 0 THEN
                    DELETE FROM tidepool_admissions a WHERE a.tenant = p_tenant
                        AND ((a.scope = 'minute' AND a.key::bigint < p_minute::bigint - 3600)
                            OR (a.scope = 'day' AND a.key::bigint < p_day::bigint - 172800));
                END IF;
                SELECT a.admitted INTO minute_count FROM tidepool_admissions a
                    WHERE a.tenant = p_tenant AND a.scope = 'minute' AND a.key = p_minute FOR UPDATE;
                SELECT a.admitted INTO day_count FROM tidepool_admissions a
                    WHERE a.tenant = p_tenant AND a.scope = 'day' AND a.key = p_day FOR UPDATE;
                IF p_minute_limit IS NOT NULL AND minute_count >= p_minute_limit THEN
                    RETURN QUERY SELECT 'minute'::text, minute_count;
                    RETURN;
                END IF;
                IF p_day_limit IS NOT NULL AND day_count >= p_day_limit THEN
                    RETURN QUERY SELECT 'day'::text, day_count;
                    RETURN;
                END IF;
                UPDATE tidepool_admissions a SET admitted = a.admitted + 1 WHERE a.tenant = p_tenant
                    AND ((a.scope = 'minute' AND a.key = p_minute) OR (a.scope = 'day' AND a.key = p_day));
                RETURN QUERY SELECT NULL::text, 0::bigint;
            END
            $$
            """,
        ],
    ]

    /// The version this build writes.
    static var latestVersion: Int { migrations.keys.max() ?? 0 }
}
