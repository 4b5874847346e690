/// Every JSON-RPC error code Tidepool answers with (SPEC, "JSON-RPC 2.0 engine"), in one place.
/// Server and client both map through this table, so a code can never mean two things.
public enum RpcErrorCode: Int, Sendable, Hashable, CaseIterable, Codable {
    case parseError = -32700
    case invalidRequest = -32600
    case methodNotFound = -32601
    case invalidParams = -32602
    case internalError = -32603
    case sessionNotFound = -32001
    case sessionExpired = -32002
    case requestLimitReached = -32003
    case renderTimeout = -32004
    case navigationFailed = -32005
    case overloaded = -32006
    case budgetExceeded = -32007
    case browserCrashed = -32008
    case urlNotAllowed = -32009
    case actionFailed = -32010

    /// The standard message for the code; handlers may give a more specific one.
    public var defaultMessage: String {
        switch self {
        case .parseError: "Parse error"
        case .invalidRequest: "Invalid Request"
        case .methodNotFound: "Method not found"
        case .invalidParams: "Invalid params"
        case .internalError: "Internal error"
        case .sessionNotFound: "Session not found"
        case .sessionExpired: "Session expired"
        case .requestLimitReached: "Session request limit reached"
        case .renderTimeout: "Render timeout"
        case .navigationFailed: "Navigation failed"
        case .overloaded: "Overloaded"
        case .budgetExceeded: "Budget exceeded"
        case .browserCrashed: "Browser crashed"
        case .urlNotAllowed: "URL not allowed"
        case .actionFailed: "Action failed"
        }
    }

    /// Whether a client may retry the same call unchanged and hope for success.
    public var isRetryable: Bool {
        switch self {
        case .overloaded, .browserCrashed: true
        default: false
        }
    }
}

/// The `error` member of a JSON-RPC response.
public struct RpcErrorObject: Sendable, Hashable, Codable, Error {
    public var code: Int
    public var message: String
    public var data: JSONValue?

    public init(code: Int, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    public init(_ code: RpcErrorCode, message: String? = nil, data: JSONValue? = nil) {
        self.init(code: code.rawValue, message: message ?? code.defaultMessage, data: data)
    }

    /// The known code, if the server used one of SPEC's table.
    public var knownCode: RpcErrorCode? { RpcErrorCode(rawValue: code) }
}
