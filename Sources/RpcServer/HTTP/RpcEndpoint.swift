import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// POST /rpc: checks content type and size, hands the body to the engine, answers 200 with the
/// response, or 204 when the call was made of notifications only.
struct RpcEndpoint: Sendable {
    let engine: RpcEngine
    let maxBodyBytes: Int

    func respond(to request: Request, context: some RequestContext) async throws -> Response {
        if let contentType = request.headers[.contentType], !Self.isJSON(contentType) {
            throw HTTPError(
                .unsupportedMediaType,
                message: "content type \(contentType) is not JSON: send Content-Type: application/json"
            )
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
            throw Self.tooLarge(maxBodyBytes)
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw Self.tooLarge(maxBodyBytes)
        }
        guard let answer = await engine.handle(Data(body.readableBytesView), logger: context.logger) else {
            return Response(status: .noContent)
        }
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer))
        )
    }

    private static func tooLarge(_ limit: Int) -> HTTPError {
        HTTPError(.contentTooLarge, message: "request body is larger than \(limit) bytes")
    }

    /// `application/json`, `application/json-rpc` and any `application/…+json`, parameters ignored.
    static func isJSON(_ contentType: String) -> Bool {
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        } ?? ""
        return mediaType == "application/json" || mediaType == "application/json-rpc"
            || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }
}
