/// What renders spent (SPEC *Tenants*): a render's own `usage`, or the sum over a period or a
/// session that `usage.get` answers. `browserMs` is the time a browser context was leased (lease
/// to dispose), `bytesIn` what its network events received (encoded, as on the wire), `bytesOut`
/// what its requests sent (request line, headers and body as Chromium reports them).
public struct UsageFigures: Sendable, Hashable, Codable {
    public var browserMs: Int
    public var bytesIn: Int
    public var bytesOut: Int
    /// Renders counted: 1 for one render that leased a context (successful or not).
    public var renders: Int

    public init(browserMs: Int = 0, bytesIn: Int = 0, bytesOut: Int = 0, renders: Int = 0) {
        self.browserMs = browserMs
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
        self.renders = renders
    }

    enum CodingKeys: String, CodingKey {
        case renders
        case browserMs = "browser_ms"
        case bytesIn = "bytes_in"
        case bytesOut = "bytes_out"
    }

    /// Nothing spent.
    public static let zero = UsageFigures()

    public var isZero: Bool { self == .zero }

    public static func += (lhs: inout UsageFigures, rhs: UsageFigures) {
        lhs.browserMs += rhs.browserMs
        lhs.bytesIn += rhs.bytesIn
        lhs.bytesOut += rhs.bytesOut
        lhs.renders += rhs.renders
    }

    public static func + (lhs: UsageFigures, rhs: UsageFigures) -> UsageFigures {
        var sum = lhs
        sum += rhs
        return sum
    }

    /// Its wire form, `{"browser_ms", "bytes_in", "bytes_out", "renders"}`.
    public var json: JSONValue {
        ["browser_ms": .int(browserMs), "bytes_in": .int(bytesIn), "bytes_out": .int(bytesOut), "renders": .int(renders)]
    }
}
