import AsyncSupport
public import Logging
public import ServiceLifecycle
import SessionContext

/// This node's heartbeat: once the server listens (and the node knows its name), every
/// `heartbeatInterval` it records itself with its load and browsers in the nodes table and reads
/// the others' (where calls for their sessions go). On graceful shutdown (or cancellation) it
/// leaves the table, so the others take its sessions over at once instead of after the node timeout.
/// A failed heartbeat is logged once per run of failures; the next one runs on schedule.
public struct ClusterHeartbeatService: Service {
    /// What a heartbeat reports of the node: its pool's utilization (0…1) and browsers running.
    public typealias Figures = @Sendable () async -> (load: Double, browsers: Int)

    let cluster: Cluster
    let figures: Figures
    let logger: Logger

    public init(cluster: Cluster, logger: Logger, figures: @escaping Figures) {
        self.cluster = cluster
        self.figures = figures
        self.logger = logger
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            guard await cluster.identified.wait() != nil else { return }
            var failing = false
            while !Task.isCancelled {
                let (load, browsers) = await figures()
                do throws(SessionError) {
                    try await cluster.beat(load: load, browsers: browsers)
                    if failing { logger.info("heartbeat recorded again", metadata: ["node_id": "\(cluster.nodeID)"]) }
                    failing = false
                } catch {
                    if !failing {
                        logger.warning("heartbeat not recorded", metadata: ["node_id": "\(cluster.nodeID)", "error": "\(error)"])
                    }
                    failing = true
                }
                try await Task.sleep(for: cluster.configuration.heartbeatInterval)
            }
        }
        guard cluster.identified.current != nil else { return }
        let member = cluster
        let log = logger
        // Bounded by the backend's own time limit per call; a database that is gone just means the
        // others see this node's heartbeats stop.
        await withoutCancellation {
            do throws(SessionError) {
                try await member.leave()
                log.info("node left the cluster", metadata: ["node_id": "\(member.nodeID)"])
            } catch {
                log.warning("node could not leave the nodes table", metadata: ["node_id": "\(member.nodeID)", "error": "\(error)"])
            }
        }
    }
}
