public import Foundation
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

        /// The value of every page read (snapshot, waits, actions) is arbitrary JSON: parsed in one pass.
        public static func decodeResponse(from message: Data) throws -> Response {
            let result = try JSONParser.parse(message, strictness: .lenient)["result"]
            guard let remote = try RemoteObject(json: result?["result"]) else {
                throw JSONParser.Failure(offset: 0, reason: "Runtime.evaluate reply without a result object")
            }
            return Response(result: remote, exceptionDetails: try ExceptionDetails(json: result?["exceptionDetails"]))
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

        /// From a parsed reply; nil when absent, an error when it is not a remote object.
        init?(json: JSONValue?) throws {
            guard let json, json != .null else { return nil }
            guard let type = json["type"]?.stringValue else {
                throw JSONParser.Failure(offset: 0, reason: "remote object without a type")
            }
            self.type = type
            subtype = json["subtype"]?.stringValue
            value = json["value"].flatMap { $0.isNull ? nil : $0 }  // as `decodeIfPresent` reads null
            unserializableValue = json["unserializableValue"]?.stringValue
            description = json["description"]?.stringValue
            objectId = json["objectId"]?.stringValue
        }
    }

    /// `Runtime.ExceptionDetails`: the page's script threw.
    public struct ExceptionDetails: Decodable, Sendable {
        public let exceptionId: Int
        public let text: String
        public let lineNumber: Int
        public let columnNumber: Int
        public let exception: RemoteObject?

        /// From a parsed reply; nil when absent.
        init?(json: JSONValue?) throws {
            guard let json, json != .null else { return nil }
            guard let id = json["exceptionId"]?.intValue, let text = json["text"]?.stringValue else {
                throw JSONParser.Failure(offset: 0, reason: "exception details without id or text")
            }
            exceptionId = id
            self.text = text
            lineNumber = json["lineNumber"]?.intValue ?? 0
            columnNumber = json["columnNumber"]?.intValue ?? 0
            exception = try RemoteObject(json: json["exception"])
        }
    }
}

extension CDP.Runtime {
    /// `Runtime.enable`: console and exception events.
    public struct Enable: CDPCommand {
        public static let method = "Runtime.enable"
        public typealias Response = CDPEmptyResponse
        public init() {}
    }

    /// `Runtime.runIfWaitingForDebugger`: lets a target paused at start (auto-attach) run its scripts.
    public struct RunIfWaitingForDebugger: CDPCommand {
        public static let method = "Runtime.runIfWaitingForDebugger"
        public typealias Response = CDPEmptyResponse
        public init() {}
    }

    /// `Runtime.consoleAPICalled` params.
    public struct ConsoleAPICalled: Decodable, Sendable {
        public let type: String
        public let args: [RemoteObject]
        /// Unix milliseconds.
        public let timestamp: Double
    }

    /// `Runtime.exceptionThrown` params.
    public struct ExceptionThrown: Decodable, Sendable {
        /// Unix milliseconds.
        public let timestamp: Double
        public let exceptionDetails: ExceptionDetails
    }
}
