import Foundation
@testable import RpcServer
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Connections that say nothing are closed after the idle timeout.
@Suite(.serialized) struct ConnectionLimitTests {
    /// Silent from the start, or stopped half-way through its first request's head (before the server
    /// could decide whether it is a WebSocket upgrade).
    @Test(arguments: [nil, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n"])
    func idleConnectionIsClosed(partial: String?) async throws {
        try await TestServer.run(http: HTTPConfiguration(port: 0, idleTimeout: .milliseconds(200))) { server in
            let port = try #require(UInt16(server.baseURL.split(separator: ":").last ?? ""))
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            #expect(descriptor >= 0)
            defer { close(descriptor) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            #expect(connected == 0)
            if let partial {
                let sent = partial.utf8CString.withUnsafeBufferPointer { send(descriptor, $0.baseAddress, $0.count - 1, 0) }
                #expect(sent == partial.utf8.count)
            }
            // Wait at most 10 s for the server to close the silent connection (recv returns 0).
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var byte: UInt8 = 0
            let received = recv(descriptor, &byte, 1, 0)
            #expect(received == 0, "the server should have closed the idle connection")
        }
    }
}
