/// Typed CDP commands, grouped by domain (`CDP.Target.CreateTarget`, …). Property names are the
/// protocol's own camelCase keys, so the synthesized Codable conformances are the wire format; nil
/// optionals are omitted. Commands not typed here go through `send(method:params:)`.
public enum CDP {
    public enum Browser {}
    public enum Target {}
    public enum Page {}
    public enum Runtime {}
}
