import Foundation
import HTTPTypes
import Hummingbird
import Rendering
import RenderTypes

/// The HTTP surface of SPEC: POST /rpc, GET /health, GET /metrics, GET /openrpc.json, the REST
/// routes (`RestRoute.all`, whose methods are registered) and GET /openapi.json describing them. Any
/// other method on these paths gets 405 with `Allow` (`MethodNotAllowedMiddleware`); /rpc, /metrics and the REST routes need a
/// caller's key or the bearer token when either is configured (`CallerAuthentication`, which also
/// picks the call's tenant), /health, /openrpc.json and /openapi.json never do.
enum TidepoolRouter {
    static func make(
        engine: RpcEngine, health: HealthReporter, metrics: ServerMetrics,
        refreshMetrics: @escaping @Sendable () async -> Void, configuration: HTTPConfiguration, tenants: TenantDirectory?
    ) -> Router<BasicRequestContext> {
        let authentication = CallerAuthentication(nodeToken: configuration.bearerToken, tenants: tenants)
        let router = Router(context: BasicRequestContext.self)
        let openRPC = ByteBuffer(bytes: (try? engine.openRPCDocument.jsonData()) ?? Data("{}".utf8))
        let rpc = RpcEndpoint(engine: engine, maxBodyBytes: configuration.maxBodyBytes)
        let rest = RestEndpoint(engine: engine, maxBodyBytes: configuration.maxBodyBytes, authentication: authentication)
        let routes = RestRoute.all.filter { engine.registry.method(named: $0.rpcMethod) != nil }
        let openAPIDocument = OpenAPIDocument.generate(
            routes: routes, registry: engine.registry, secured: authentication.isRequired)
        let openAPI = ByteBuffer(bytes: (try? openAPIDocument.jsonData()) ?? Data("{}".utf8))
        // Added first: the router applies a middleware only to the routes added after it.
        router.add(middleware: MethodNotAllowedMiddleware(paths: servedPaths(routes)))

        router.get("/health") { _, _ in
            let report = await health.report()
            return jsonResponse(report, status: report.status == .healthy ? .ok : .serviceUnavailable)
        }
        router.get("/openrpc.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: openRPC))
        }
        router.get("/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: openAPI))
        }
        for route in routes {
            router.on(RouterPath(route.path), method: route.method) { request, context in
                try await rest.respond(route: route, to: request, context: context)
            }
        }
        router.post("/rpc") { request, context in
            try await rpc.respond(to: request, context: context, tenant: authentication.tenant(of: request))
        }
        router.get("/metrics") { request, _ in
            _ = try authentication.tenant(of: request)
            await refreshMetrics()
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition()))
            )
        }
        return router
    }

    /// Every path the router serves, with its methods in the order registered.
    static func servedPaths(_ routes: [RestRoute]) -> [(path: String, methods: [HTTPRequest.Method])] {
        var paths: [(path: String, methods: [HTTPRequest.Method])] = [
            ("/rpc", [.post]), ("/health", [.get]), ("/metrics", [.get]), ("/openrpc.json", [.get]), ("/openapi.json", [.get]),
        ]
        for route in routes {
            if let index = paths.firstIndex(where: { $0.path == route.path }) {
                paths[index].methods.append(route.method)
            } else {
                paths.append((route.path, [route.method]))
            }
        }
        return paths
    }

    static func jsonResponse(_ value: some Encodable, status: HTTPResponse.Status) -> Response {
        let bytes = (try? JSONFragment.encode(value)) ?? Array("{}".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }
}
