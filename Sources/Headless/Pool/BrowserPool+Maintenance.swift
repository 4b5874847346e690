import Logging
import Synchronization

extension BrowserPool {
    /// One round of upkeep: ping every ready browser (`Browser.getVersion` with a timeout), measure
    /// its process tree's memory from /proc, then drain what failed, grew past the threshold, lived past
    /// `maxLifetime` or idled past `idleTimeout` (beyond `minPoolSize`); restore capacity and warm
    /// contexts. `run()` calls it every `healthCheckInterval`; tests call it after advancing the clock.
    func maintain() async {
        let targets: [(BrowserID, LaunchedBrowser)] = state.withLock { state in
            state.browsers.values.compactMap { record in
                guard record.phase == .ready, let browser = record.browser else { return nil }
                return (record.id, browser)
            }
        }
        let timeout = config.healthCheckTimeout
        let pings = await withTaskGroup(of: (BrowserID, Bool).self) { group in
            for (id, browser) in targets {
                group.addTask {
                    let healthy: Bool
                    do throws(CDPError) {
                        _ = try await browser.connection.send(CDP.Browser.GetVersion(), timeout: timeout)
                        healthy = true
                    } catch {
                        healthy = false
                    }
                    return (id, healthy)
                }
            }
            var pings: [(BrowserID, Bool)] = []
            for await ping in group { pings.append(ping) }
            return pings
        }
        // One /proc scan for every browser's process tree (each browser leads its own process group).
        let memoryByGroup = ProcessTable.memory(ofGroups: targets.map(\.1.pid))
        let pidByID = Dictionary(uniqueKeysWithValues: targets.map { ($0.0, $0.1.pid) })
        let results = pings.map { id, healthy in
            (id, healthy, pidByID[id].flatMap { memoryByGroup[$0] } ?? ProcessTable.Memory())
        }
        let now = clock.now
        let thresholdBytes = config.memoryThresholdMB * 1024 * 1024
        withState { state in
            var effects: [PoolEffect] = []
            for (id, healthy, memory) in results {
                guard var record = state.browsers[id], record.phase == .ready else { continue }
                let used = config.memoryMetric == .pss ? memory.pssBytes : memory.rssBytes
                let relievedLastRound = record.relievedMemory
                record.memory = memory
                record.relievedMemory = false
                state.browsers[id] = record
                let spares = state.held.values.filter { $0.browser == id && $0.spare && !$0.inUse }.count
                if !healthy {
                    logger.warning("browser failed its health check", metadata: ["browser": "\(id)"])
                    effects += state.drain(id, reason: "health check failed", recycle: true)
                } else if used > thresholdBytes, spares > 0, !relievedLastRound {
                    // Spare contexts hold a renderer each: their memory goes back first, and the browser
                    // is drained only if it is still over at the next round.
                    logger.info(
                        "browser over its memory threshold: its parked spare contexts go back first",
                        metadata: ["browser": "\(id)", "\(config.memoryMetric.rawValue)_mb": "\(used >> 20)", "spares": "\(spares)"])
                    effects += state.reclaimParked(limit: .max, now: now) { $0.browser == id && $0.spare }
                    state.browsers[id]?.relievedMemory = true
                } else if used > thresholdBytes {
                    logger.info(
                        "browser over its memory threshold",
                        metadata: ["browser": "\(id)", "\(config.memoryMetric.rawValue)_mb": "\(used >> 20)"])
                    effects += state.drain(id, reason: "memory \(used >> 20) MB", recycle: true)
                } else if now - record.startedAt >= config.maxLifetime {
                    effects += state.drain(id, reason: "max lifetime", recycle: true)
                }
            }
            // Parked contexts of keep_warm sessions are kept at most the idle limit.
            let idleLimit = config.idleTimeout
            effects += state.reclaimParked(limit: .max, now: now) { now - $0.lastUsed >= idleLimit }
            effects += drainIdle(&state, now: now)
            state.recentCrashes.removeAll { now - $0 > PoolState.crashWindow }
            return ((), effects + state.rebalance(now: now))
        }
    }

    /// Idle browsers beyond the minimum are closed, longest idle first.
    private func drainIdle(_ state: inout PoolState, now: ContinuousClock.Instant) -> [PoolEffect] {
        var active = state.browsers.values.filter(\.isActive).count
        let idle = state.browsers.values
            .filter { $0.phase == .ready && $0.leased == 0 && now - $0.lastBusy >= config.idleTimeout }
            .sorted { $0.lastBusy < $1.lastBusy }
        var effects: [PoolEffect] = []
        for record in idle where active > config.minPoolSize && state.queue.isEmpty {
            effects += state.drain(record.id, reason: "idle", recycle: false)
            active -= 1
        }
        return effects
    }
}
