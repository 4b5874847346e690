import Foundation
import HTTPTypes
import Hummingbird
import Rendering
import RenderTypes

/// The HTTP surface of SPEC: POST /rpc, GET /health, GET /metrics, GET /openrpc.json. Any other
/// method on these paths gets 405 with `Allow`; /rpc and /metrics sit behind the bearer token
/// when one is configured, /health never does.
enum TidepoolRouter {
    static func make(
        engine: RpcEngine, health: HealthReporter, metrics: ServerMetrics,
        refreshMetrics: @escaping @Sendable () async -> Void, configuration: HTTPConfiguration
    ) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        let openRPC = ByteBuffer(bytes: (try? engine.openRPCDocument.jsonData()) ?? Data("{}".utf8))
        let rpc = RpcEndpoint(engine: engine, maxBodyBytes: configuration.maxBodyBytes)

        router.get("/health") { _, _ in
            let report = await health.report()
            return jsonResponse(report, status: report.status == .healthy ? .ok : .serviceUnavailable)
        }
        router.get("/openrpc.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: openRPC))
        }
        let guarded = router.group()
        if let token = configuration.bearerToken {
            guarded.add(middleware: BearerTokenMiddleware(token: token))
        }
        guarded.post("/rpc") { request, context in
            try await rpc.respond(to: request, context: context)
        }
        guarded.get("/metrics") { _, _ in
            await refreshMetrics()
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition()))
            )
        }
        for (path, allowed) in [("/rpc", "POST"), ("/health", "GET"), ("/metrics", "GET"), ("/openrpc.json", "GET")] {
            for method in [HTTPRequest.Method.get, .post, .put, .delete, .patch] where method.rawValue != allowed {
                router.on(RouterPath(path), method: method) { _, _ -> Response in
                    throw HTTPError(
                        .methodNotAllowed, headers: [.allow: allowed], message: "\(path) only answers \(allowed)"
                    )
                }
            }
        }
        return router
    }

    static func jsonResponse(_ value: some Encodable, status: HTTPResponse.Status) -> Response {
        let bytes = (try? JSONFragment.encode(value)) ?? Array("{}".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }
}
