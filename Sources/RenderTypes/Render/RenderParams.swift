/// Params of the `render` JSON-RPC method (SPEC "render").
public struct RenderParams: Sendable, Hashable {
    public var url: String
    public var sessionId: String?
    /// A named on-disk Chromium profile, `[A-Za-z0-9_-]{1,64}`.
    public var profile: String?
    /// The seed's name for a profile: a profile name or a path inside the profiles root (naming the
    /// same profile as `profile` when both are given).
    public var userDataDir: String?
    public var config: DynamicConfig?
    public var stealth: StealthConfig?
    public var priority: RenderPriority?

    public init(
        url: String, sessionId: String? = nil, profile: String? = nil, userDataDir: String? = nil,
        config: DynamicConfig? = nil, stealth: StealthConfig? = nil, priority: RenderPriority? = nil
    ) {
        self.url = url
        self.sessionId = sessionId
        self.profile = profile
        self.userDataDir = userDataDir
        self.config = config
        self.stealth = stealth
        self.priority = priority
    }

}

extension RenderParams: Codable {
    enum CodingKeys: String, CodingKey {
        case url, profile, config, stealth, priority
        case sessionId = "session_id"
        case userDataDir = "user_data_dir"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        url = try c.decode(String.self, forKey: .url, length: 1...RenderLimits.maxURLLength)
        sessionId = try c.decodeIfPresent(String.self, forKey: .sessionId, length: 1...128)
        profile = try c.decodeProfileNameIfPresent(forKey: .profile)
        // With `profile` too it must name the same profile; the server checks that once it has
        // resolved the path against its profiles root.
        userDataDir = try c.decodeIfPresent(String.self, forKey: .userDataDir, length: 1...4096)
        config = try c.decodeIfPresent(DynamicConfig.self, forKey: .config)
        stealth = try c.decodeIfPresent(StealthConfig.self, forKey: .stealth)
        priority = try c.decodeIfPresent(RenderPriority.self, forKey: .priority)
    }
}
