public import RenderTypes

extension CDP.Runtime {
    /// `Runtime.evaluate` in the page's main world.
    public struct Evaluate: CDPCommand {
        public static let method = "Runtime.evaluate"
        public struct Response: Decodable, Sendable {
            public let result: RemoteObject
            public let exceptionDetails: ExceptionDetails?
        }
        public var expression: String
        public var returnByValue: Bool?
        public var awaitPromise: Bool?
        public var userGesture: Bool?
        public init(expression: String, returnByValue: Bool? = true, awaitPromise: Bool? = nil, userGesture: Bool? = nil) {
            self.expression = expression
            self.returnByValue = returnByValue
            self.awaitPromise = awaitPromise
            self.userGesture = userGesture
        }
    }

    /// `Runtime.RemoteObject` (with `returnByValue`, the value is in `value`).
    public struct RemoteObject: Decodable, Sendable {
        public let type: String
        public let subtype: String?
        public let value: JSONValue?
        public let unserializableValue: String?
        public let description: String?
        public let objectId: String?
    }

    /// `Runtime.ExceptionDetails`: the page's script threw.
    public struct ExceptionDetails: Decodable, Sendable {
        public let exceptionId: Int
        public let text: String
        public let lineNumber: Int
        public let columnNumber: Int
        public let exception: RemoteObject?
    }
}
