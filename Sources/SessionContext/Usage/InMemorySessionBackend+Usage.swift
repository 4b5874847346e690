public import RenderTypes
import Synchronization

extension InMemorySessionBackend: UsageStore {
    public func loadUsage(forgettingMinutesBefore minutesSince: Int) async throws(SessionError) -> [UsageKey: UsageFigures] {
        var rows = usageRows.withLock { $0 }
        for key in rows.keys {
            if key.scope == .minute, (Int(key.key) ?? 0) < minutesSince { rows[key] = nil }
            if key.scope == .session, let id = try? SessionID(validating: key.key, tenant: key.tenant),
                try await load(id) == nil
            {
                rows[key] = nil
            }
        }
        usageRows.withLock { [rows] in $0 = rows }
        return rows
    }

    public func addUsage(_ deltas: [UsageKey: UsageFigures]) async throws(SessionError) {
        usageRows.withLock { rows in
            for (key, delta) in deltas { rows[key, default: .zero] += delta }
        }
    }
}
