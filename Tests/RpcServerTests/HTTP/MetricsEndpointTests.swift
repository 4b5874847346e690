import Foundation
import NIOHTTP1
import RenderTypes
@testable import RpcServer
import Testing
import TestSupport

/// GET /metrics: Prometheus text with call counts by method and code, latency histograms and
/// session gauges, per server.
@Suite(.serialized) struct MetricsEndpointTests {
    @Test func countsCallsByMethodAndCode() async throws {
        try await TestServer.run { server in
            _ = try await server.result("health")
            _ = try await server.result("health")
            _ = try await server.call("session.get", ["session_id": "missing"])
            let text = try await server.request(.GET, "/metrics").body
            #expect(sample(text, #"tidepool_rpc_requests_total{method="health",code="0"}"#) == 2)
            #expect(sample(text, #"tidepool_rpc_requests_total{method="session.get",code="-32001"}"#) == 1)
        }
    }

    @Test func timesCallsInAHistogram() async throws {
        try await TestServer.run { server in
            _ = try await server.result("session.stats")
            let text = try await server.request(.GET, "/metrics").body
            #expect(text.contains("# TYPE tidepool_rpc_request_duration_seconds histogram"))
            #expect(sample(text, #"tidepool_rpc_request_duration_seconds_count{method="session.stats"}"#) == 1)
        }
    }

    @Test func unknownMethodNamesDoNotBecomeLabels() async throws {
        try await TestServer.run { server in
            _ = try await server.call("made.up.name")
            let text = try await server.request(.GET, "/metrics").body
            #expect(!text.contains("made.up.name"))
            #expect(sample(text, #"tidepool_rpc_requests_total{method="(unknown)",code="-32601"}"#) == 1)
        }
    }

    @Test func reportsSessionGauges() async throws {
        try await TestServer.run { server in
            _ = try await server.result("session.create", ["session_id": "g1"])
            _ = try await server.result("session.create", ["session_id": "g2"])
            let text = try await server.request(.GET, "/metrics").body
            #expect(sample(text, "tidepool_sessions_active") == 2)
            #expect(sample(text, "tidepool_sessions_expired_cleaned") == 0)
        }
    }

    @Test func reportsTheHeapItsLiveAllocationsHold() async throws {
        try await TestServer.run { server in
            let before = try #require(sample(try await server.request(.GET, "/metrics").body, "tidepool_process_heap_in_use_bytes"))
            #expect(before > 1_000_000, "a running server holds more than a megabyte")
            // 256 MiB held while /metrics is read (this process is the server's): the figure follows
            // live allocations, whatever the other tests running beside this one hold meanwhile.
            let block = UnsafeMutableRawPointer.allocate(byteCount: 256 << 20, alignment: 16)
            defer { block.deallocate() }
            block.initializeMemory(as: UInt8.self, repeating: 1, count: 256 << 20)
            let text = try await server.request(.GET, "/metrics").body
            let during = try #require(sample(text, "tidepool_process_heap_in_use_bytes"))
            #expect(during - before > 200_000_000, "\(before) → \(during)")
            #expect(sample(text, "tidepool_process_heap_free_bytes") != nil)
        }
    }

    @Test func serversInOneProcessKeepTheirOwnFigures() async throws {
        try await TestServer.run { first in
            try await TestServer.run { second in
                _ = try await first.result("health")
                _ = try await first.result("health")
                _ = try await second.result("health")
                let firstText = try await first.request(.GET, "/metrics").body
                let secondText = try await second.request(.GET, "/metrics").body
                #expect(sample(firstText, #"tidepool_rpc_requests_total{method="health",code="0"}"#) == 2)
                #expect(sample(secondText, #"tidepool_rpc_requests_total{method="health",code="0"}"#) == 1)
            }
        }
    }
}

/// The value of the sample line `series` (name and labels exactly as exposed), or nil.
func sample(_ exposition: String, _ series: String) -> Double? {
    for line in exposition.split(separator: "\n") where line.hasPrefix(series + " ") {
        return Double(line.dropFirst(series.count + 1))
    }
    return nil
}
