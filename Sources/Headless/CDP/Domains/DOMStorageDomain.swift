extension CDP.DOMStorage {
    /// `DOMStorage.StorageId`: one origin's local (or session) storage.
    public struct StorageId: Encodable, Sendable, Hashable {
        public var securityOrigin: String
        public var isLocalStorage: Bool
        public init(securityOrigin: String, isLocalStorage: Bool = true) {
            self.securityOrigin = securityOrigin
            self.isLocalStorage = isLocalStorage
        }
    }

    /// `DOMStorage.enable`.
    public struct Enable: CDPCommand {
        public static let method = "DOMStorage.enable"
        public typealias Response = CDPEmptyResponse
        public init() {}
    }

    /// `DOMStorage.getDOMStorageItems`: works for origins with a frame in the page.
    public struct GetDOMStorageItems: CDPCommand {
        public static let method = "DOMStorage.getDOMStorageItems"
        public struct Response: Decodable, Sendable { public let entries: [[String]] }
        public var storageId: StorageId
        public init(storageId: StorageId) { self.storageId = storageId }
    }
}
