import PostgresNIO
public import RenderTypes
public import SessionContext

extension PostgresSessionBackend: SharedUsageStore {
    public func currentUsage(minute: Int, day: Int, month: Int) async throws(SessionError) -> [UsageKey: UsageFigures] {
        let location = url.location
        let (minuteKey, dayKey, monthKey) = (String(minute), String(day), String(month))
        return try await call("read the current usage") { [client, logger] in
            let rows = try await client.query(
                """
                SELECT tenant, scope, key, renders, browser_ms, bytes_in, bytes_out FROM tidepool_usage
                WHERE (scope = 'minute' AND key = \(minuteKey)) OR (scope = 'day' AND key = \(dayKey))
                    OR (scope = 'month' AND key = \(monthKey))
                """, logger: logger)
            return try await Self.usageTotals(rows, location: location)
        }
    }

    public func admitRender(tenant: TenantID, minute: String, minuteLimit: Int?, day: String, dayLimit: Int?)
        async throws(SessionError) -> RenderAdmission
    {
        let location = url.location
        let tenantText = tenant.rawValue
        return try await call("admit a render against the tenant's limits") { [client, logger] in
            let rows = try await client.query(
                """
                SELECT refused_scope, used FROM tidepool_admit_render(\(tenantText), \(minute), \(minuteLimit), \(day), \(dayLimit))
                """, logger: logger)
            for try await (scope, used) in rows.decode((String?, Int).self) {
                guard let scope else { return .admitted }
                guard let refused = UsageKey.Scope(rawValue: scope) else {
                    throw SessionError.backend("\(location) answered an admission with an unknown scope \(scope)")
                }
                return .refused(scope: refused, used: used)
            }
            throw SessionError.backend("\(location) answered an admission with no row")
        }
    }

    /// One row per statement (its own transaction), so that a refund never holds one row while it
    /// waits for another: an admission locks a tenant's minute row, then its day row.
    public func refundRenders(_ count: Int, of key: UsageKey) async throws(SessionError) {
        guard count > 0 else { return }
        let (tenant, scope, period) = (key.tenant.rawValue, key.scope.rawValue, key.key)
        try await call("give back admitted renders") { [client, logger] in
            _ = try await client.query(
                """
                UPDATE tidepool_admissions SET admitted = greatest(0, admitted - \(count))
                WHERE tenant = \(tenant) AND scope = \(scope) AND key = \(period)
                """, logger: logger)
        }
    }

    /// The usage rows of a `SELECT tenant, scope, key, renders, browser_ms, bytes_in, bytes_out`.
    static func usageTotals(_ rows: PostgresRowSequence, location: String) async throws -> [UsageKey: UsageFigures] {
        var totals: [UsageKey: UsageFigures] = [:]
        for try await (tenantText, scopeText, key, renders, browserMs, bytesIn, bytesOut) in rows.decode(
            (String, String, String, Int, Int, Int, Int).self)
        {
            guard let tenant = TenantID(tenantText), let scope = UsageKey.Scope(rawValue: scopeText) else {
                throw SessionError.backend("\(location) holds a usage row with an invalid tenant or scope")
            }
            totals[UsageKey(tenant: tenant, scope: scope, key: key)] = UsageFigures(
                browserMs: browserMs, bytesIn: bytesIn, bytesOut: bytesOut, renders: renders)
        }
        return totals
    }
}

extension PostgresSessionBackend: UsageStore {
    public func loadUsage(forgettingMinutesBefore minutesSince: Int) async throws(SessionError) -> [UsageKey: UsageFigures] {
        let location = url.location
        return try await call("read usage") { [client, logger] in
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query(
                    "DELETE FROM tidepool_usage WHERE CASE WHEN scope = 'minute' THEN key::bigint < \(minutesSince) ELSE false END", logger: logger)
                try await connection.query(
                    """
                    DELETE FROM tidepool_usage u WHERE scope = 'session'
                        AND NOT EXISTS (SELECT 1 FROM tidepool_sessions s WHERE s.tenant = u.tenant AND s.id = u.key)
                    """, logger: logger)
                let rows = try await connection.query(
                    "SELECT tenant, scope, key, renders, browser_ms, bytes_in, bytes_out FROM tidepool_usage", logger: logger)
                return try await Self.usageTotals(rows, location: location)
            }
        }
    }

    /// One statement (so one transaction) for the whole batch: the rows go in as arrays.
    public func addUsage(_ deltas: [UsageKey: UsageFigures]) async throws(SessionError) {
        guard !deltas.isEmpty else { return }
        let entries = Array(deltas)
        let tenants = entries.map(\.key.tenant.rawValue)
        let scopes = entries.map(\.key.scope.rawValue)
        let keys = entries.map(\.key.key)
        let renders = entries.map(\.value.renders)
        let browserMs = entries.map(\.value.browserMs)
        let bytesIn = entries.map(\.value.bytesIn)
        let bytesOut = entries.map(\.value.bytesOut)
        try await call("add usage") { [client, logger] in
            _ = try await client.query(
                """
                INSERT INTO tidepool_usage (tenant, scope, key, renders, browser_ms, bytes_in, bytes_out)
                SELECT * FROM unnest(\(tenants)::text[], \(scopes)::text[], \(keys)::text[], \(renders)::bigint[],
                    \(browserMs)::bigint[], \(bytesIn)::bigint[], \(bytesOut)::bigint[])
                ON CONFLICT (tenant, scope, key) DO UPDATE SET renders = tidepool_usage.renders + excluded.renders,
                    browser_ms = tidepool_usage.browser_ms + excluded.browser_ms,
                    bytes_in = tidepool_usage.bytes_in + excluded.bytes_in,
                    bytes_out = tidepool_usage.bytes_out + excluded.bytes_out
                """, logger: logger)
        }
    }
}
