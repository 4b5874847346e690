import Rendering

/// `health`: what GET /health returns.
enum HealthMethod {
    static func register(in registry: inout RpcMethodRegistry, health: HealthReporter) {
        registry.register(
            "health", summary: "Server health: status, session store and browser pool figures.",
            params: NoParams.self, result: RpcResultSpec("health", .ref("Health"))
        ) { (_: NoParams, _) in await health.report() }
    }
}
