/// Queue priority of a render: high before normal before low, first-in first-out within one.
public enum RenderPriority: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case high
    case normal
    case low

    /// Lower rank is served first.
    public var rank: Int {
        switch self {
        case .high: 0
        case .normal: 1
        case .low: 2
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}
