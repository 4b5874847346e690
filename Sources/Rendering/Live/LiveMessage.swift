import Foundation
import RenderTypes

/// One message to a live viewer's page (JSON text, field `t` names the kind).
enum LiveMessage: Sendable {
    /// The view's mode, once at the start (the page hides its controls in view mode).
    case hello(LiveMode)
    /// A JPEG frame (base64, as CDP gives it) covering the page's `geometry`.
    case frame(base64: String, geometry: ScreencastGeometry)
    /// The URL the page shows now.
    case url(String)
    case ended(LiveEnd)

    var text: String {
        switch self {
        case .frame(let base64, let geometry):
            // Built directly: base64 needs no escaping, and a frame is large.
            return #"{"t":"frame","w":\#(geometry.deviceWidth),"h":\#(geometry.deviceHeight),"data":""# + base64 + #""}"#
        case .hello(let mode):
            return Self.encode(["t": "hello", "mode": .string(mode.rawValue)])
        case .url(let url):
            return Self.encode(["t": "url", "url": .string(url)])
        case .ended(let reason):
            return Self.encode(["t": "ended", "reason": .string(reason.rawValue)])
        }
    }

    private static func encode(_ value: JSONValue) -> String {
        String(decoding: (try? value.jsonData()) ?? Data("{}".utf8), as: UTF8.self)
    }
}
