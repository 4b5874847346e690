package import Egress

extension StaticHostResolver {
    /// The resolver of every pool the tests start: `localhost` and the test names it is given,
    /// nothing else. A name the system resolved would be a query to the machine's DNS server, which
    /// is not on loopback; tests send traffic to 127.0.0.0/8 only, so any other name fails here as
    /// unresolvable (`net::ERR_NAME_NOT_RESOLVED`).
    package static func loopbackOnly(_ names: [String: [IPAddress]] = [:]) -> StaticHostResolver {
        StaticHostResolver(
            names.merging(["localhost": [.v4(0x7F00_0001), .v6(0, 1)]]) { given, _ in given }, fallback: nil)
    }
}
