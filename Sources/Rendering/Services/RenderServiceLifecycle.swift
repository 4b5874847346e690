public import Logging
public import ServiceLifecycle

/// The render path's upkeep while the server runs: closes profile browsers that idled past their
/// limit; on graceful shutdown (or cancellation) gives back every warm and recycled context and closes every
/// profile browser. Listed after the pool in the service group, so it stops before the pool drains.
public struct RenderServiceLifecycle: Service {
    let renders: RenderService
    let logger: Logger

    public init(renders: RenderService, logger: Logger) {
        self.renders = renders
        self.logger = logger
    }

    public func run() async throws {
        let idle = renders.profiles.configuration.idleTimeout
        let interval = min(max(idle / 4, .seconds(1)), .seconds(30))
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                await renders.profiles.closeIdle()
            }
        }
        await renders.endHandoffs(reason: .serverStopping)
        renders.warm.releaseAll()
        renders.recycled.releaseAll()
        await renders.profiles.closeAll()
        logger.info("profile browsers closed")
    }
}
