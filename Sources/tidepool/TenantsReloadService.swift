import Logging
import RpcServer
import ServiceLifecycle
import UnixSignals

/// Reads the tenants file again on every SIGHUP until the server shuts down: keys added to it work,
/// keys removed from it stop working, without a restart. A file that fails its checks leaves the
/// tenants as they were (`TenantDirectory.reload` logs one error line saying why).
struct TenantsReloadService: Service {
    let tenants: TenantDirectory
    /// SIGHUP, trapped before the server starts, so a signal sent once it listens never ends the process.
    let signals: UnixSignalsSequence
    let logger: Logger

    func run() async throws {
        for await _ in signals.cancelOnGracefulShutdown() {
            tenants.reload(logger: logger)
        }
    }
}
