/// The version of Tidepool this build reports (health, the OpenRPC document).
public enum TidepoolVersion {
    public static let current = "0.1.0"
}
