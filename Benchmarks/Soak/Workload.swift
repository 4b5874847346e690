import FixtureServer
import Foundation
import RenderTypes
import RpcClient
import SessionContext

/// The page kinds of the soak, how often each comes, and what counts as success for it.
enum Workload {
    enum Kind: String, CaseIterable, Sendable {
        case staticPage = "static", slow, scroll, login, screenshot, pdf
        case dialogs, popups, download, huge, refresh, endlessLoop = "endless loop", outOfMemory = "out of memory"
    }

    /// How a call ended: as it should (a result, or for a hostile page the error it must give), or not.
    enum Outcome: Sendable {
        case ok
        case unexpected(String)
    }

    /// One of every 100 calls, by kind: each kind's share, spread over the 100 by stepping through
    /// them 37 at a time (37 and 100 share no factor, so every slot is visited once), so the kinds mix.
    static let rotation: [Kind] = {
        let weights: [(Kind, Int)] = [
            (.staticPage, 30), (.slow, 10), (.scroll, 10), (.login, 10), (.screenshot, 10), (.pdf, 5), (.dialogs, 6),
            (.popups, 5), (.download, 4), (.huge, 2), (.refresh, 5), (.endlessLoop, 2), (.outOfMemory, 1),
        ]
        let grouped = weights.flatMap { Array(repeating: $0.0, count: $0.1) }
        return grouped.indices.map { grouped[($0 * 37) % grouped.count] }
    }()

    /// The kind of a caller's round: the rotation's, or with `kinds` only those, in the same order.
    static func pick(round: Int, caller: Int, among kinds: Set<Kind>? = nil) -> Kind {
        let rotation = kinds.map { kinds in Self.rotation.filter(kinds.contains) } ?? Self.rotation
        return rotation[(round + caller * 13) % rotation.count]
    }

    static func run(_ kind: Kind, caller: Int, round: Int, client: RpcClient, site: FixtureServer) async -> Outcome {
        do {
            switch kind {
            case .staticPage:
                return check(try await render(client, site.url("/static.html")).statusCode == 200, "status")
            case .slow:
                return check(try await render(client, site.url("/slow?ms=800")).statusCode == 200, "status")
            case .scroll:
                let result = try await render(client, site.url("/scroll.html"), #"{"scroll": {"to_bottom": true, "max_steps": 10}}"#)
                return check(result.statusCode == 200, "status")
            case .login:
                let session = "soak-\(caller)-\(round % 50)"
                let actions = ##"{"actions": [{"type": "type", "selector": "#username", "text": "ada"}, {"type": "type", "selector": "#password", "text": "\##(FixtureAccounts.password)"}, {"type": "click", "selector": "#submit"}, {"type": "wait", "condition": {"type": "selector", "selector": "#user"}}]}"##
                _ = try await render(client, site.url("/login.html"), actions, session: session)
                let dashboard = try await render(client, site.url("/dashboard"), session: session)
                return check(dashboard.html?.contains("ada") == true, "not logged in on the second call")
            case .screenshot:
                let result = try await render(client, site.url("/media.html"), #"{"capture": {"screenshot": true, "full_page": true}}"#)
                return check(result.artifacts.screenshot != nil, "no screenshot")
            case .pdf:
                return check(try await render(client, site.url("/static.html"), #"{"capture": {"pdf": true}}"#).artifacts.pdf != nil, "no pdf")
            case .dialogs:
                // Each kind in turn, on load; every fourth one opened by a click; every fifth a
                // beforeunload that a navigate action must get past.
                if round % 5 == 4 {
                    let leave = ##"{"actions": [{"type": "click", "selector": "#touch"}, {"type": "navigate", "url": "\##(site.url("/static.html"))"}]}"##
                    let result = try await render(client, site.url("/hostile/beforeunload.html"), leave)
                    return check(
                        result.finalUrl == site.url("/static.html") && result.dialogs.map(\.type) == [.beforeunload],
                        "beforeunload: ended on \(result.finalUrl) with \(result.dialogs)")
                }
                let kind = ["alert", "confirm", "prompt"][round % 3]
                if round % 4 == 3 {
                    let click = ##"{"actions": [{"type": "click", "selector": "#\##(kind)"}]}"##
                    let result = try await render(client, site.url("/hostile/dialogs.html"), click)
                    return check(result.dialogs.map(\.type.rawValue) == [kind], "dialogs \(result.dialogs) after a click on \(kind)")
                }
                let result = try await render(client, site.url("/hostile/dialogs.html?open=\(kind)"))
                return check(result.dialogs.first?.type.rawValue == kind, "dialogs \(result.dialogs) for \(kind) on load")
            case .popups:
                let result = try await render(client, site.url("/hostile/popups.html"), #"{"wait_for": {"type": "popup", "timeout_ms": 10000}}"#)
                return check(!result.popups.isEmpty, "no popup reported \(detail(result))")
            case .download:
                let result = try await render(client, site.url("/hostile/download.html?auto"), #"{"wait_for": {"type": "download", "timeout_ms": 10000}}"#)
                return check(!result.downloads.isEmpty, "no download reported \(detail(result))")
            case .huge:
                let result = try await render(client, site.url("/huge?mb=10"), #"{"timeout_ms": 60000}"#)
                return check((result.html?.utf8.count ?? 0) > 10_000_000, "document cut")
            case .refresh:
                return check(try await render(client, site.url("/hostile/refresh.html")).statusCode == 200, "status")
            case .endlessLoop:
                _ = try await render(client, site.url("/hostile/spin.html"), #"{"timeout_ms": 3000}"#)
                return .unexpected("an endless loop rendered")
            case .outOfMemory:
                _ = try await render(client, site.url("/hostile/oom.html"), #"{"timeout_ms": 30000}"#)
                return .unexpected("a page allocating without end rendered")
            }
        } catch {
            switch (kind, error) {
            case (.endlessLoop, .renderTimeout): return .ok
            // Out of memory ends as a renderer crash, or at the deadline while the heap fills.
            case (.outOfMemory, .browserCrashed), (.outOfMemory, .renderTimeout): return .ok
            default: return .unexpected("\(error)")
            }
        }
    }

    private static func render(
        _ client: RpcClient, _ url: String, _ config: String = "{}", session: String? = nil
    ) async throws(RpcError) -> DynamicRenderResult {
        let decoded: DynamicConfig
        do {
            decoded = try StrictJSONDecoder().decode(DynamicConfig.self, from: Data(config.utf8))
        } catch {
            fatalError("soak config \(config) does not decode: \(error)")  // a mistake in this file
        }
        return try await client.render(RenderParams(url: url, sessionId: session, config: decoded))
    }

    /// What a failure report says of the render: its context, stage times and warnings.
    private static func detail(_ result: DynamicRenderResult) -> String {
        let t = result.timings
        return "(context \(result.context?.rawValue ?? "-"), wait \(Int(t.waitMs)) ms, capture \(Int(t.captureMs)) ms, "
            + "render \(Int(result.renderTimeMs)) ms, warnings \(result.warnings))"
    }

    private static func check(_ condition: Bool, _ failure: String) -> Outcome {
        condition ? .ok : .unexpected(failure)
    }
}
