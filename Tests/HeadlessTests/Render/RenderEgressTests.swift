import Egress
import FixtureServer
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
@testable import Headless
import RenderTypes
import Testing
import TestSupport

extension Chromium {
    /// The egress policy under real renders: the page, a redirect, every kind of subresource, a name
    /// resolving into a refused network, a navigate action — all on loopback, where 127.0.0.1 is
    /// allowed and 127.0.0.2 (a second fixture "host") is not.
    @Suite struct RenderEgressTests {
        static let onlyOne = EgressPolicy(allowed: [IPNetwork("127.0.0.1/32")!])

        /// Waits until the probe page has heard back from its fetch, XHR, WebSocket and worker.
        static let probesDone = ##"{"wait_for": {"type": "javascript", "expression": "Object.keys(JSON.parse(document.getElementById('probe').textContent || '{}')).length >= 4"}}"##

        /// A second fixture site on 127.0.0.2, which the policy of these tests refuses.
        static func withRefusedSite<T: Sendable>(_ body: (FixtureServer) async throws -> T) async throws -> T {
            try await FixtureServer.withRunning(host: "127.0.0.2", body)
        }

        @Test func aRefusedPageIsNotLoadedAndSaysWhy() async throws {
            try await Self.withRefusedSite { other in
                try await RenderHarness.with(egress: Self.onlyOne) { c in
                    let error = try await RenderHarness.renderError {
                        try await c.renderer.render(RenderRequest(url: other.url("/static.html")))
                    }
                    guard case .urlNotAllowed(let url, let reason) = error else {
                        Issue.record("expected urlNotAllowed, got \(error)")
                        return
                    }
                    #expect(url == other.url("/static.html"))
                    #expect(reason.contains("127.0.0.2 is loopback"), "\(reason)")
                    #expect(other.counter.total == 0, "not one byte reached the refused site")
                }
            }
        }

        @Test func aRedirectIntoARefusedNetworkIsRefused() async throws {
            try await Self.withRefusedSite { other in
                try await RenderHarness.with(egress: Self.onlyOne) { c in
                    let target = other.url("/static.html")
                    let error = try await RenderHarness.renderError {
                        try await c.renderer.render(RenderRequest(url: c.url("/redirect?to=\(target)")))
                    }
                    guard case .urlNotAllowed(let url, _) = error else {
                        Issue.record("expected urlNotAllowed, got \(error)")
                        return
                    }
                    #expect(url == target, "the refused URL is where the redirect led")
                    #expect(c.server.counter.count(path: "/redirect") == 1)
                    #expect(other.counter.total == 0)
                }
            }
        }

        @Test func everyKindOfSubresourceIsRefusedAndListedInWarnings() async throws {
            try await Self.withRefusedSite { other in
                try await RenderHarness.with(egress: Self.onlyOne) { c in
                    let probe = "/egress-probe?origin=\(other.baseURL)"
                    let outcome = try await c.render(probe, Self.probesDone)
                    #expect(outcome.result.statusCode == 200, "the page itself is allowed")
                    #expect(other.counter.total == 0, "nothing reached the refused site")
                    let warnings = outcome.result.warnings.filter { $0.hasPrefix("egress policy refused") }
                    for path in ["/assets/img/red.png", "/assets/css/media.css", "/api/ping", "/api/data", "/api/headers"] {
                        #expect(warnings.contains { $0.contains(path) }, "\(path) not in \(warnings)")
                    }
                    #expect(warnings.contains { $0.contains("127.0.0.2:\(other.port):") && !$0.contains("http://") },
                            "the WebSocket's tunnel: \(warnings)")
                }
            }
        }

        @Test func theSameProbeReachesAnAllowedSite() async throws {
            // The control: with loopback allowed, each probe does reach the other site.
            try await Self.withRefusedSite { other in
                try await RenderHarness.with { c in
                    let probe = "/egress-probe?origin=\(other.baseURL)"
                    let outcome = try await c.render(probe, Self.probesDone)
                    for path in ["/assets/img/red.png", "/assets/css/media.css", "/api/ping", "/api/data", "/api/headers", "/ws"] {
                        #expect(other.counter.count(path: path) >= 1, "\(path) did not reach the allowed site")
                    }
                    #expect(!outcome.result.warnings.contains { $0.hasPrefix("egress policy refused") })
                }
            }
        }

        @Test func aNameResolvingIntoARefusedNetworkIsRefused() async throws {
            let resolver = StaticHostResolver(
                ["rebind.test": [IPAddress("127.0.0.2")!], "fine.test": [IPAddress("127.0.0.1")!]], fallback: nil)
            try await Self.withRefusedSite { other in
                try await RenderHarness.with(egress: Self.onlyOne, resolver: resolver) { c in
                    let error = try await RenderHarness.renderError {
                        try await c.renderer.render(RenderRequest(url: "http://rebind.test:\(other.port)/static.html"))
                    }
                    guard case .urlNotAllowed(_, let reason) = error else {
                        Issue.record("expected urlNotAllowed, got \(error)")
                        return
                    }
                    #expect(reason.contains("rebind.test resolves to 127.0.0.2"), "\(reason)")
                    let fine = try await c.renderer.render(RenderRequest(url: "http://fine.test:\(c.server.port)/static.html"))
                    #expect(fine.result.statusCode == 200)
                }
            }
        }

        @Test func otherFailuresKeepTheNetErrorsOfADirectConnection() async throws {
            let resolver = StaticHostResolver([:], fallback: nil)
            let closed = try await FixtureServer.start()
            await closed.stop()
            try await RenderHarness.with(resolver: resolver) { c in
                let unresolved = try await RenderHarness.renderError {
                    try await c.renderer.render(RenderRequest(url: "http://nowhere.test/"))
                }
                #expect(unresolved == .navigationFailed(url: "http://nowhere.test/", netError: "net::ERR_NAME_NOT_RESOLVED"))
                let refused = try await RenderHarness.renderError {
                    try await c.renderer.render(RenderRequest(url: closed.url("/")))
                }
                #expect(refused == .navigationFailed(url: closed.url("/"), netError: "net::ERR_CONNECTION_REFUSED"))
            }
        }

        @Test func aNavigateActionIntoARefusedNetworkIsRefused() async throws {
            try await Self.withRefusedSite { other in
                try await RenderHarness.with(egress: Self.onlyOne) { c in
                    let json = ##"{"actions": [{"type": "navigate", "url": "\##(other.url("/static.html"))"}]}"##
                    let error = try await RenderHarness.renderError { try await c.render("/static.html", json) }
                    guard case .urlNotAllowed(let url, _) = error else {
                        Issue.record("expected urlNotAllowed, got \(error)")
                        return
                    }
                    #expect(url == other.url("/static.html"))
                    #expect(other.counter.total == 0)
                }
            }
        }

        @Test func webRTCSendsNoUDPIntoARefusedNetwork() async throws {
            // A STUN server on 127.0.0.2 that counts the datagrams it gets: ICE gathering sends it
            // binding requests unless only proxied WebRTC traffic is allowed.
            let stun = try await UDPCounter.start(host: "127.0.0.2")
            defer { stun.stop() }
            let json = ##"""
                {"actions": [{"type": "evaluate", "expression": "new Promise(done => { const pc = new RTCPeerConnection({iceServers: [{urls: 'stun:127.0.0.2:\##(stun.port)'}]}); pc.createDataChannel('x'); pc.createOffer().then(o => pc.setLocalDescription(o)); setTimeout(() => done(pc.iceGatheringState), 1500); })"}]}
                """##
            try await RenderHarness.with(egress: nil) { c in
                _ = try await c.render("/static.html", json)
                #expect(stun.count > 0, "the control: without an egress policy the page reaches the STUN server")
            }
            stun.reset()
            try await RenderHarness.with(egress: Self.onlyOne) { c in
                _ = try await c.render("/static.html", json)
                #expect(stun.count == 0, "no datagram left the browser")
            }
        }

        @Test func everyGateClosesWithItsContext() async throws {
            try await RenderHarness.with { c in
                for _ in 0..<5 { _ = try await c.render("/static.html") }
                try await TestPools.waitUntil(c.pool, "the renders' contexts disposed") { $0.contextsLeased == 0 }
                try await eventually("only the prewarmed contexts keep a gate") {
                    c.pool.egressGates.count == c.pool.stats().contextsIdle + c.pool.stats().contextsWarming
                }
            }
        }
    }
}

/// A UDP socket on a loopback address that counts the datagrams it receives.
final class UDPCounter: Sendable {
    let port: Int
    private let channel: any Channel
    private let received: NIOLockedValueBox<Int>

    private init(port: Int, channel: any Channel, received: NIOLockedValueBox<Int>) {
        self.port = port
        self.channel = channel
        self.received = received
    }

    static func start(host: String) async throws -> UDPCounter {
        let received = NIOLockedValueBox(0)
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Counting(received: received)) }
            }
            .bind(host: host, port: 0).get()
        return UDPCounter(port: channel.localAddress?.port ?? 0, channel: channel, received: received)
    }

    var count: Int { received.withLockedValue { $0 } }
    func reset() { received.withLockedValue { $0 = 0 } }
    func stop() { channel.close(promise: nil) }

    private final class Counting: ChannelInboundHandler, Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let received: NIOLockedValueBox<Int>
        init(received: NIOLockedValueBox<Int>) { self.received = received }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            received.withLockedValue { $0 += 1 }
        }
    }
}
