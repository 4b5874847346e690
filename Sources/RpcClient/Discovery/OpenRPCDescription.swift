public import RenderTypes

/// The server's OpenRPC document (`rpc.discover`), read for what a client needs: which methods
/// exist, their params and errors. Schemas stay `JSONValue`; members this type does not name are ignored.
public struct OpenRPCDescription: Sendable, Hashable, Decodable {
    /// The document's `info`: which server and version.
    public struct Info: Sendable, Hashable, Decodable {
        public var title: String
        public var version: String
    }

    /// One served method (aliases are methods of their own).
    public struct Method: Sendable, Hashable, Decodable {
        public var name: String
        public var summary: String?
        /// `by-name`, `by-position` or `either`.
        public var paramStructure: String?
        public var params: [Param]
        public var result: ResultDescription?
        public var errors: [ErrorDescription]

        enum CodingKeys: String, CodingKey {
            case name, summary, paramStructure, params, result, errors
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            summary = try c.decodeIfPresent(String.self, forKey: .summary)
            paramStructure = try c.decodeIfPresent(String.self, forKey: .paramStructure)
            params = try c.decodeIfPresent([Param].self, forKey: .params) ?? []
            result = try c.decodeIfPresent(ResultDescription.self, forKey: .result)
            errors = try c.decodeIfPresent([ErrorDescription].self, forKey: .errors) ?? []
        }
    }

    /// One param of a method.
    public struct Param: Sendable, Hashable, Decodable {
        public var name: String
        public var required: Bool?
        public var summary: String?
        public var schema: JSONValue?
    }

    /// A method's result.
    public struct ResultDescription: Sendable, Hashable, Decodable {
        public var name: String
        public var schema: JSONValue?
    }

    /// An error a method documents.
    public struct ErrorDescription: Sendable, Hashable, Decodable {
        public var code: Int
        public var message: String
    }

    /// The OpenRPC version the document follows.
    public var openrpc: String
    public var info: Info
    public var methods: [Method]
    /// Shared schemas and other components, as sent.
    public var components: JSONValue?

    /// The method called `name`, if the server serves it.
    public func method(named name: String) -> Method? {
        methods.first { $0.name == name }
    }
}
