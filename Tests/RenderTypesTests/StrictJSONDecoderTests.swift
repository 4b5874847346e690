import Foundation
import Testing
@testable import RenderTypes

private struct Inner: Codable, Equatable {
    var name: String
    var count: Int?
}

private struct Outer: Codable, Equatable {
    var inner: Inner
    var items: [Inner]
    var tags: [String: String]?
    var free: JSONValue?
}

private func decode<T: Decodable>(_ type: T.Type, _ json: String) throws(FieldError) -> T {
    try StrictJSONDecoder().decode(type, from: Data(json.utf8))
}

@Suite struct StrictJSONDecoderTests {
    @Test func decodesKnownFields() throws {
        let value = try decode(Outer.self, #"{"inner":{"name":"a","count":2},"items":[{"name":"b"}],"tags":{"k":"v"}}"#)
        #expect(value == Outer(inner: Inner(name: "a", count: 2), items: [Inner(name: "b")], tags: ["k": "v"]))
    }

    @Test func unknownTopLevelFieldIsNamed() {
        #expect(throws: FieldError(field: "extra", kind: .unknownField)) {
            try decode(Outer.self, #"{"inner":{"name":"a"},"items":[],"extra":1}"#)
        }
    }

    @Test func unknownNestedFieldCarriesItsPath() {
        #expect(throws: FieldError(field: "items[1].cuont", kind: .unknownField)) {
            try decode(Outer.self, #"{"inner":{"name":"a"},"items":[{"name":"b"},{"name":"c","cuont":3}]}"#)
        }
    }

    @Test func freeFormValuesAndDictionariesAcceptAnyKeys() throws {
        let value = try decode(Outer.self, #"{"inner":{"name":"a"},"items":[],"tags":{"x":"1","y":"2"},"free":{"any":{"deep":[1,2.5,null]}}}"#)
        #expect(value.tags == ["x": "1", "y": "2"])
        #expect(value.free == ["any": ["deep": [1, 2.5, nil]]])
    }

    @Test func wrongTypeNamesFieldAndExpectedType() {
        #expect(throws: FieldError(field: "inner.count", kind: .typeMismatch(expected: "integer", found: "string"))) {
            try decode(Outer.self, #"{"inner":{"name":"a","count":"2"},"items":[]}"#)
        }
        #expect(throws: FieldError(field: "items", kind: .typeMismatch(expected: "array", found: "object"))) {
            try decode(Outer.self, #"{"inner":{"name":"a"},"items":{}}"#)
        }
    }

    @Test func fractionalNumberIsNotAnInteger() {
        #expect(throws: FieldError(field: "inner.count", kind: .typeMismatch(expected: "integer", found: "number"))) {
            try decode(Outer.self, #"{"inner":{"name":"a","count":1.5},"items":[]}"#)
        }
    }

    @Test func missingRequiredFieldIsNamed() {
        #expect(throws: FieldError(field: "inner.name", kind: .missingField)) {
            try decode(Outer.self, #"{"inner":{},"items":[]}"#)
        }
    }

    @Test func nullForRequiredFieldIsATypeMismatch() {
        #expect(throws: FieldError(field: "inner.name", kind: .typeMismatch(expected: "string", found: "null"))) {
            try decode(Outer.self, #"{"inner":{"name":null},"items":[]}"#)
        }
    }

    @Test func integersKeepTheirKind() throws {
        let value = try JSONValue(parsing: Data(#"{"a":1,"b":1.5,"c":-3,"d":true}"#.utf8))
        #expect(value == ["a": .int(1), "b": .double(1.5), "c": .int(-3), "d": .bool(true)])
        #expect(value.jsonString() == #"{"a":1,"b":1.5,"c":-3,"d":true}"#)
    }
}
