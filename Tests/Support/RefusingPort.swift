#if canImport(Glibc)
import Glibc
#endif

/// A 127.0.0.1 port that refuses every connection while `body` runs: a socket is bound to it and
/// never listens, so a connection gets a reset (`ECONNREFUSED`, Chromium's
/// `net::ERR_CONNECTION_REFUSED`) and no other socket can take the port meanwhile.
///
/// A port that a server bound and then gave up is not enough: the system hands it to the next
/// socket bound to port 0, and with tests running in parallel that is often another test's server
/// or egress gate, which then answers.
package func withRefusingPort<T>(_ body: (Int) async throws -> T) async throws -> T {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw TestSupportError("socket() failed (errno \(errno)): cannot make a refusing port") }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
            bind(descriptor, raw, length) == 0 && getsockname(descriptor, raw, &length) == 0
        }
    }
    guard bound else { throw TestSupportError("bind() to 127.0.0.1:0 failed (errno \(errno)): cannot make a refusing port") }
    return try await body(Int(UInt16(bigEndian: address.sin_port)))
}
