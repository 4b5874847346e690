import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SessionContext

/// POST /rpc: checks content type and size, hands the body to the engine, answers 200 with the
/// response, or 204 when the call was made of notifications only.
struct RpcEndpoint: Sendable {
    let engine: RpcEngine
    let maxBodyBytes: Int

    /// Serves the call(s) in `request` for `tenant` (the caller, as `CallerAuthentication` found it).
    func respond(to request: Request, context: some RequestContext, tenant: TenantID) async throws -> Response {
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
        let forwardedBy = request.headers[NodeForwarder.forwardedByHeader]
        let answered = await RequestOrigin.$current.withValue(RequestOrigin(request.head)) {
            await engine.handle(Array(body.readableBytesView), logger: context.logger, tenant: tenant, forwardedBy: forwardedBy)
        }
        guard let answer = answered else {
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

    /// `application/json`, `application/json-rpc` and any `application/…+json`, in any case,
    /// parameters ignored. Works on the bytes: this runs on every call.
    static func isJSON(_ contentType: String) -> Bool {
        var mediaType = contentType.utf8.prefix { $0 != UInt8(ascii: ";") }[...]
        while let last = mediaType.last, last == 0x20 || last == 0x09 { mediaType = mediaType.dropLast() }
        while let first = mediaType.first, first == 0x20 || first == 0x09 { mediaType = mediaType.dropFirst() }
        let lower = mediaType.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 + 32 : $0 }
        let application = Array("application/".utf8)
        guard lower.starts(with: application) else { return false }
        let subtype = lower.dropFirst(application.count)
        return subtype.elementsEqual("json".utf8) || subtype.elementsEqual("json-rpc".utf8)
            || (subtype.count > 5 && subtype.suffix(5).elementsEqual("+json".utf8))
    }
}
