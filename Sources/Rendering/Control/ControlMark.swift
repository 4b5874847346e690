import Foundation

/// A controller's hold as the session's lease records it in a cluster (`lease_holder`), so that a
/// render on another node is refused at once with the holder's kind and when it ends, instead of
/// waiting out its deadline for a lease that a hand-off keeps for minutes.
struct ControlMark: Sendable, Hashable {
    let kind: ControlKind
    /// When the hold ends at the latest (Unix milliseconds, the holding node's clock).
    let endsAtUnixMs: Int64

    static let prefix = "control:"

    /// The lease holder naming this mark and the node that holds it.
    func leaseHolder(node: String) -> String {
        "\(Self.prefix)\(kind.rawValue):\(endsAtUnixMs):\(node)"
    }

    init(kind: ControlKind, endsAt: Date) {
        self.kind = kind
        self.endsAtUnixMs = Int64((endsAt.timeIntervalSince1970 * 1000).rounded())
    }

    /// The mark a lease holder names, or nil for a node's own render turn.
    init?(leaseHolder: String) {
        guard leaseHolder.hasPrefix(Self.prefix) else { return nil }
        let fields = leaseHolder.dropFirst(Self.prefix.count).split(separator: ":", maxSplits: 2)
        guard fields.count == 3, let kind = ControlKind(rawValue: String(fields[0])), let endsAt = Int64(fields[1]) else {
            return nil
        }
        self.kind = kind
        self.endsAtUnixMs = endsAt
    }

    /// The refusal of a render on another node while this mark holds the session.
    var refusal: RenderingError {
        let left = endsAtUnixMs - Int64((Date().timeIntervalSince1970 * 1000).rounded())
        return .sessionHeld(kind: kind, retryAfterMs: Int(max(100, left)))
    }
}
