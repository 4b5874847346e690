import AsyncSupport
import Foundation
import Logging
import Rendering
import RenderTypes
import SessionContext

/// Serves `render` calls over the render path: each call's error is mapped to its JSON-RPC error
/// object (in `RpcErrorMapping`), counted by code, and every call is logged in one line — session,
/// host, stage timings (or the error), outcome.
struct RenderCalls: Sendable {
    let renders: RenderService
    let errors: RenderErrorMetrics

    /// Renders `params` for `tenant` (forwarded here by node `forwardedBy`, if any); throws the call's
    /// `RpcErrorObject`, or `RenderingError.ownedElsewhere` for a session another node serves.
    /// `sessionTTLSeconds` is the lifetime of a session the call creates (its preset's).
    func serve(
        _ params: RenderParams, sessionTTLSeconds: Int? = nil, logger: Logger, tenant: TenantID = .default,
        forwardedBy: String? = nil
    ) async throws
        -> DynamicRenderResult
    {
        let receivedAt = ContinuousClock.now
        var logger = logger
        if !tenant.isDefault { logger[metadataKey: "tenant"] = "\(tenant)" }
        do {
            let result = try await renders.render(
                params, tenant: tenant, forwardedBy: forwardedBy, sessionTTLSeconds: sessionTTLSeconds)
            log(params, logger: logger, outcome: "ok", figures: Self.figures(of: result))
            return result
        } catch let error as RenderingError {
            guard case .ownedElsewhere(let nodeID, _) = error else { throw failure(error, params, logger, since: receivedAt) }
            log(params, logger: logger, outcome: "forwarded", figures: ["node_id": "\(nodeID)"])
            throw error
        } catch {
            throw failure(error, params, logger, since: receivedAt)
        }
    }

    /// The wire error of a failed call, counted by code and logged.
    private func failure(_ error: any Error, _ params: RenderParams, _ logger: Logger, since receivedAt: ContinuousClock.Instant)
        -> RpcErrorObject
    {
        let object = RpcErrorMapping.errorObject(for: error, method: "render", logger: logger)
        errors.record(code: object.code)
        let elapsed = ContinuousClock.now - receivedAt
        log(params, logger: logger, outcome: "error \(object.code)", figures: [
            "ms": "\(elapsed.wholeMilliseconds)", "error": "\(error)",
        ])
        return object
    }

    private func log(_ params: RenderParams, logger: Logger, outcome: String, figures: Logger.Metadata) {
        var metadata = figures
        metadata["session_id"] = "\(params.sessionId ?? "-")"
        let host = URLComponents(string: params.url)?.host ?? ""
        metadata["host"] = "\(host.isEmpty ? "-" : host)"
        metadata["outcome"] = "\(outcome)"
        logger.info("render", metadata: metadata)
    }

    private static func figures(of result: DynamicRenderResult) -> Logger.Metadata {
        let t = result.timings
        return [
            "ms": "\(result.renderTimeMs)", "status": "\(result.statusCode.map(String.init) ?? "-")",
            "queue_ms": "\(t.queueMs)", "lease_ms": "\(t.leaseMs)", "navigation_ms": "\(t.navigationMs)",
            "wait_ms": "\(t.waitMs)", "actions_ms": "\(t.actionsMs)", "capture_ms": "\(t.captureMs)",
        ]
    }
}
