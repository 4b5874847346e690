/// Namespaces of the CDP domains the page driver types beyond those of the CDP layer (`CDP.Page`,
/// `CDP.Runtime`, `CDP.Target`, `CDP.Browser` live in `CDP/Commands`).
extension CDP {
    public enum Network {}
    public enum Fetch {}
    public enum Emulation {}
    public enum Input {}
    public enum Storage {}
    public enum DOMStorage {}
}
