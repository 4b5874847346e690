import Foundation
import RenderTypes

/// One message to a live viewer's page (JSON text, field `t` names the kind).
enum LiveMessage: Sendable {
    /// The view's mode, once at the start (the page hides its controls in view mode).
    case hello(LiveMode)
    /// A JPEG frame (base64, as CDP gives it) of tab `tab`, covering its page's `geometry`.
    case frame(base64: String, geometry: ScreencastGeometry, tab: String)
    /// The URL the page shows now.
    case url(String)
    /// The tab strip: every tab (id, URL, title) in order and the one shown.
    case tabs([(id: String, url: String, title: String)], active: String)
    case ended(LiveEnd)

    var text: String {
        switch self {
        case .frame(let base64, let geometry, let tab):
            // Built directly: base64 needs no escaping, and a frame is large. A target id is letters
            // and digits (`LiveInput.isTabID`), which need no escaping either.
            let id = LiveInput.isTabID(tab) ? tab : ""
            return #"{"t":"frame","w":\#(geometry.deviceWidth),"h":\#(geometry.deviceHeight),"tab":"\#(id)","data":""# + base64 + #""}"#
        case .hello(let mode):
            return Self.encode(["t": "hello", "mode": .string(mode.rawValue)])
        case .url(let url):
            return Self.encode(["t": "url", "url": .string(url)])
        case .tabs(let tabs, let active):
            let list: [JSONValue] = tabs.map { .object(["id": .string($0.id), "url": .string($0.url), "title": .string($0.title)]) }
            return Self.encode(["t": "tabs", "tabs": .array(list), "active": .string(active)])
        case .ended(let reason):
            return Self.encode(["t": "ended", "reason": .string(reason.rawValue)])
        }
    }

    private static func encode(_ value: JSONValue) -> String {
        String(decoding: (try? value.jsonData()) ?? Data("{}".utf8), as: UTF8.self)
    }
}
