#if canImport(Glibc)
import Glibc
#endif
import NIOPosix

/// Turns a host name into the addresses a connection may go to. The egress proxy resolves every
/// name itself and connects to an address it checked, so a name that resolves somewhere else a
/// moment later (DNS rebinding) changes nothing.
public protocol HostResolver: Sendable {
    /// The addresses of `host`, in the order to try them; throws `EgressResolutionError` when none.
    func resolve(_ host: String) async throws -> [IPAddress]
}

/// Why a host name gave no address.
public struct EgressResolutionError: Error, Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var reason: String
    public var description: String { "cannot resolve \(host): \(reason)" }
}

/// The system's resolver (`getaddrinfo`, so /etc/hosts and the configured DNS servers), run on
/// NIO's blocking-I/O thread pool.
public struct SystemHostResolver: HostResolver {
    public init() {}

    public func resolve(_ host: String) async throws -> [IPAddress] {
        let outcome: Result<[IPAddress], EgressResolutionError> = try await NIOThreadPool.singleton.runIfActive {
            Self.lookUp(host)
        }
        return try outcome.get()
    }

    static func lookUp(_ host: String) -> Result<[IPAddress], EgressResolutionError> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0, let first = list else {
            let reason = String(cString: gai_strerror(status))
            return .failure(EgressResolutionError(host: host, reason: reason))
        }
        defer { freeaddrinfo(first) }
        var addresses: [IPAddress] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            if let address = current.pointee.ai_addr, let ip = Self.address(address) {
                if !addresses.contains(ip) { addresses.append(ip) }
            }
            entry = current.pointee.ai_next
        }
        return addresses.isEmpty ? .failure(EgressResolutionError(host: host, reason: "no address")) : .success(addresses)
    }

    /// The address of a `sockaddr_in` or `sockaddr_in6`. Its bytes are read at their POSIX offsets
    /// (after the family and port, and for IPv6 the flow label) rather than through `sin_addr` and
    /// `sin6_addr`: a release build attributes those members to NIO's CNIOLinux shim, and member
    /// import visibility then refuses them.
    private static func address(_ pointer: UnsafeMutablePointer<sockaddr>) -> IPAddress? {
        switch Int32(pointer.pointee.sa_family) {
        case AF_INET:
            let raw = UnsafeRawBufferPointer(start: pointer, count: MemoryLayout<sockaddr_in>.size)
            return .v4(raw[4..<8].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        case AF_INET6:
            let raw = UnsafeRawBufferPointer(start: pointer, count: MemoryLayout<sockaddr_in6>.size)
            let high = raw[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let low = raw[16..<24].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            return .v6(high, low)
        default:
            return nil
        }
    }
}

/// A fixed table of names, for tests that need a name resolving to a chosen address (a rebinding
/// name, say) without touching the machine's resolver; other names go to `fallback`.
public struct StaticHostResolver: HostResolver {
    public let table: [String: [IPAddress]]
    public let fallback: (any HostResolver)?

    public init(_ table: [String: [IPAddress]], fallback: (any HostResolver)? = SystemHostResolver()) {
        self.table = table
        self.fallback = fallback
    }

    public func resolve(_ host: String) async throws -> [IPAddress] {
        if let addresses = table[host.lowercased()] { return addresses }
        guard let fallback else { throw EgressResolutionError(host: host, reason: "not in the table") }
        return try await fallback.resolve(host)
    }
}
