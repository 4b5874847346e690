/// Typed CDP commands and events, one file per domain (`CDP.Target.CreateTarget`, …). Property names
/// are the protocol's own camelCase keys, so the synthesized Codable conformances are the wire
/// format; nil optionals are omitted. Commands not typed here go through `send(method:params:)`.
public enum CDP {
    public enum Browser {}
    public enum Target {}
    public enum Page {}
    public enum Runtime {}
    public enum Network {}
    public enum Fetch {}
    public enum Emulation {}
    public enum Input {}
    public enum Storage {}
    public enum DOMStorage {}
}
