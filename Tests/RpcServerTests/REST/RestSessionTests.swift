import Foundation
import NIOHTTP1
import RenderTypes
import RpcServer
import SessionContext
import Testing
import TestSupport

/// The REST routes over the session and cookie methods, through HTTP with two tenants: each route
/// answers as its method, bad input is refused with the method's error (and changes nothing), and
/// every answer matches the server's OpenAPI document.
@Suite struct RestSessionTests {
    static func withServer(_ body: (_ acme: RestCaller, _ globex: RestCaller, _ two: TwoTenants) async throws -> Void) async throws {
        try await TestTenants.withTwo { two in
            try await TestServer.run(http: HTTPConfiguration(port: 0, tenantsFile: two.file)) { server in
                try await body(
                    try await RestCaller.make(server, key: two.acme), try await RestCaller.make(server, key: two.globex), two)
            }
        }
    }

    @Test func sessionRoutesAnswerAsTheirMethodsAndRefuseBadInput() async throws {
        try await Self.withServer { acme, _, _ in
            let created = try await acme.send(
                .POST, "/sessions", body: ["session_id": "shop", "ttl_secs": 600, "metadata": ["team": "a"]])
            #expect(created.status == 201)
            #expect(try created.json["session_id"] == "shop")
            #expect(try created.json["ttl_secs"] == 600)

            // Bad input: the method's -32602 at 400, naming the field; nothing stored.
            let again = try await acme.send(.POST, "/sessions", body: ["session_id": "shop"])
            #expect(again.status == 400)
            #expect(again.error?["code"] == -32602)
            #expect(again.error?["data"]?["field"] == "session_id")
            let typo = try await acme.send(.POST, "/sessions", body: ["session_id": "other", "ttl": 5])
            #expect(typo.status == 400)
            #expect(typo.error?["data"]?["field"] == "ttl")
            let notJSON = try await acme.send(.POST, "/sessions", template: "/sessions", rawBody: "{not json")
            #expect(notJSON.status == 400)
            #expect(notJSON.error?["code"] == -32700)
            // No body is `{}`; blanks alone are not JSON.
            let blank = try await acme.send(.POST, "/sessions", template: "/sessions", rawBody: "\n ")
            #expect(blank.status == 400)
            #expect(blank.error?["code"] == -32700)
            let array = try await acme.send(.POST, "/sessions", body: [["session_id": "x"]])
            #expect(array.status == 400)
            #expect(array.error?["data"]?["reason"]?.stringValue?.contains("must be a JSON object") == true)
            let plain = try await acme.send(
                .POST, "/sessions", rawBody: "{}", headers: [("Content-Type", "text/plain"), ("Authorization", "Bearer \(acme.endpoint.key!)")])
            #expect(plain.status == 415)

            let list = try await acme.send(.GET, "/sessions")
            #expect(list.status == 200)
            #expect(try list.json["sessions"]?.arrayValue?.map { $0["session_id"] } == ["shop"])
            #expect(try await acme.send(.GET, "/sessions?limit=1", template: "/sessions").status == 200)
            let badLimit = try await acme.send(.GET, "/sessions?limit=many", template: "/sessions")
            #expect(badLimit.status == 400)
            #expect(badLimit.error?["data"]?["field"] == "limit")
            let zeroLimit = try await acme.send(.GET, "/sessions?limit=0", template: "/sessions")
            #expect(zeroLimit.status == 400)
            let unknownQuery = try await acme.send(.GET, "/sessions?sort=asc", template: "/sessions")
            #expect(unknownQuery.status == 400)
            #expect(unknownQuery.error?["data"]?["field"] == "sort")

            let stats = try await acme.send(.GET, "/sessions/stats")
            #expect(stats.status == 200)
            #expect(try stats.json["active_sessions"] == 1)

            let template = "/sessions/{session_id}"
            let got = try await acme.send(.GET, "/sessions/shop", template: template)
            #expect(got.status == 200)
            #expect(try got.json["metadata"] == ["team": "a"])
            let missing = try await acme.send(.GET, "/sessions/nope", template: template)
            #expect(missing.status == 404)
            #expect(missing.error == ["code": -32001, "message": "Session not found", "data": ["session_id": "nope"]])
            let badID = try await acme.send(.GET, "/sessions/bad%20id", template: template)
            #expect(badID.status == 400)
            #expect(badID.error?["data"]?["field"] == "session_id")

            let extendTemplate = "/sessions/{session_id}/extend"
            let extended = try await acme.send(.POST, "/sessions/shop/extend", template: extendTemplate, body: ["ttl_secs": 900])
            #expect(extended.status == 200)
            #expect(try extended.json["ttl_secs"] == 900)
            let zero = try await acme.send(.POST, "/sessions/shop/extend", template: extendTemplate, body: ["ttl_secs": 0])
            #expect(zero.status == 400)
            #expect(zero.error?["data"]?["field"] == "ttl_secs")
            let noTTL = try await acme.send(.POST, "/sessions/shop/extend", template: extendTemplate, body: [:])
            #expect(noTTL.status == 400)
            let repeated = try await acme.send(
                .POST, "/sessions/shop/extend", template: extendTemplate, body: ["session_id": "other", "ttl_secs": 60])
            #expect(repeated.status == 400)
            #expect(repeated.error?["data"]?["field"] == "session_id")
            #expect(try await acme.send(.GET, "/sessions/shop", template: template).json["ttl_secs"] == 900)
            #expect(try await acme.send(.POST, "/sessions/nope/extend", template: extendTemplate, body: ["ttl_secs": 60]).status == 404)

            #expect(try await acme.send(.POST, "/sessions/cleanup").json == ["removed": 0])
            let deleted = try await acme.send(.DELETE, "/sessions/shop", template: template)
            #expect(deleted.status == 200)
            #expect(try deleted.json == ["deleted": true])
            #expect(try await acme.send(.DELETE, "/sessions/shop", template: template).json == ["deleted": false])
            #expect(try await acme.send(.GET, "/sessions/shop", template: template).status == 404)
            #expect(try await acme.send(.DELETE, "/sessions/bad!id", template: template).status == 400)
        }
    }

    @Test func cookieRoutesAnswerAsTheirMethodsAndRefuseBadInput() async throws {
        try await Self.withServer { acme, _, _ in
            try await acme.send(.POST, "/sessions", body: ["session_id": "jar"])
            let cookies = "/sessions/{session_id}/cookies"
            let set = try await acme.send(
                .POST, "/sessions/jar/cookies", template: cookies,
                body: ["cookies": [
                    ["name": "sid", "value": "1", "domain": "shop.test"], ["name": "lang", "value": "en", "domain": "shop.test"],
                    ["name": "sid", "value": "2", "domain": "other.test"],
                ]])
            #expect(set.status == 200)
            #expect(try set.json == ["count": 3])
            // A cookie without a name: refused, the jar unchanged.
            let bad = try await acme.send(.POST, "/sessions/jar/cookies", template: cookies, body: ["cookies": [["value": "1"]]])
            #expect(bad.status == 400)
            #expect(bad.error?["data"]?["field"]?.stringValue?.hasPrefix("cookies[0]") == true)
            #expect(try await acme.send(.GET, "/sessions/jar/cookies", template: cookies).json["cookies"]?.arrayValue?.count == 3)
            #expect(try await acme.send(.POST, "/sessions/nope/cookies", template: cookies, body: ["cookies": []]).status == 404)

            let domain = "/sessions/{session_id}/cookies/{domain}"
            let shop = try await acme.send(.GET, "/sessions/jar/cookies/shop.test", template: domain)
            #expect(try shop.json["cookies"]?.arrayValue?.compactMap { $0["name"]?.stringValue }.sorted() == ["lang", "sid"])
            #expect(try await acme.send(.GET, "/sessions/jar/cookies/none.test", template: domain).json == ["cookies": []])
            let named = "/sessions/{session_id}/cookies/{domain}/{name}"
            let sid = try await acme.send(.GET, "/sessions/jar/cookies/other.test/sid", template: named)
            #expect(try sid.json["cookies"]?.arrayValue?.map { $0["value"] } == ["2"])
            #expect(try await acme.send(.GET, "/sessions/jar/cookies?domain=other.test", template: cookies)
                .json["cookies"]?.arrayValue?.count == 1)

            let removed = try await acme.send(.DELETE, "/sessions/jar/cookies/shop.test/sid", template: named)
            #expect(try removed.json == ["deleted": true])
            #expect(try await acme.send(.DELETE, "/sessions/jar/cookies/shop.test/sid", template: named).json == ["deleted": false])
            let badPath = try await acme.send(.DELETE, "/sessions/jar/cookies/shop.test/lang?path=1&path=2", template: named)
            #expect(badPath.status == 400)
            #expect(badPath.error?["data"]?["field"] == "path")
            #expect(try await acme.send(.GET, "/sessions/jar/cookies", template: cookies).json["cookies"]?.arrayValue?.count == 2)

            let cleared = try await acme.send(.DELETE, "/sessions/jar/cookies", template: cookies)
            #expect(try cleared.json == ["removed": 2])
            #expect(try await acme.send(.DELETE, "/sessions/nope/cookies", template: cookies).status == 404)
            #expect(try await acme.send(.GET, "/sessions/nope/cookies/shop.test", template: domain).status == 404)
        }
    }

    @Test func anotherTenantsSessionIsNotFoundExactlyLikeAnUnknownOne() async throws {
        try await Self.withServer { acme, globex, _ in
            try await acme.send(.POST, "/sessions", body: ["session_id": "shop"])
            try await acme.send(
                .POST, "/sessions/shop/cookies", template: "/sessions/{session_id}/cookies",
                body: ["cookies": [["name": "sid", "value": "1", "domain": "shop.test"]]])
            let routes: [(HTTPMethod, String, String, JSONValue?)] = [
                (.GET, "/sessions/ID", "/sessions/{session_id}", nil),
                (.POST, "/sessions/ID/extend", "/sessions/{session_id}/extend", ["ttl_secs": 5]),
                (.POST, "/sessions/ID/cookies", "/sessions/{session_id}/cookies", ["cookies": []]),
                (.GET, "/sessions/ID/cookies", "/sessions/{session_id}/cookies", nil),
                (.GET, "/sessions/ID/cookies/shop.test", "/sessions/{session_id}/cookies/{domain}", nil),
                (.GET, "/sessions/ID/cookies/shop.test/sid", "/sessions/{session_id}/cookies/{domain}/{name}", nil),
                (.DELETE, "/sessions/ID/cookies/shop.test/sid", "/sessions/{session_id}/cookies/{domain}/{name}", nil),
                (.DELETE, "/sessions/ID/cookies", "/sessions/{session_id}/cookies", nil),
            ]
            for (method, path, template, body) in routes {
                let theirs = try await globex.send(method, path.replacingOccurrences(of: "ID", with: "shop"), template: template, body: body)
                let unknown = try await globex.send(method, path.replacingOccurrences(of: "ID", with: "ghost"), template: template, body: body)
                #expect(theirs.status == 404, "\(method) \(path)")
                #expect(theirs.status == unknown.status)
                #expect(theirs.body == unknown.body.replacingOccurrences(of: "ghost", with: "shop"), "\(method) \(path)")
            }
            #expect(try await globex.send(.GET, "/sessions").json == ["sessions": []])
            #expect(try await globex.send(.GET, "/sessions/stats").json["active_sessions"] == 0)
            #expect(try await globex.send(.DELETE, "/sessions/shop", template: "/sessions/{session_id}").json == ["deleted": false])
            // acme's session and cookie are untouched.
            let got = try await acme.send(.GET, "/sessions/shop/cookies", template: "/sessions/{session_id}/cookies")
            #expect(try got.json["cookies"]?.arrayValue?.count == 1)
        }
    }

    @Test func aMissingOrUnknownKeyIs401OnEveryRoute() async throws {
        try await Self.withServer { acme, _, _ in
            for (method, path, template) in [
                (HTTPMethod.GET, "/sessions", "/sessions"), (.POST, "/sessions", "/sessions"), (.GET, "/sessions/stats", "/sessions/stats"),
                (.DELETE, "/sessions/x", "/sessions/{session_id}"), (.GET, "/sessions/x/cookies/d/n", "/sessions/{session_id}/cookies/{domain}/{name}"),
            ] {
                let anonymous = try await acme.send(method, path, template: template, body: [:], headers: [("Content-Type", "application/json")])
                #expect(anonymous.status == 401)
                #expect(anonymous.headers.first(name: "WWW-Authenticate")?.hasPrefix("Bearer") == true)
                let wrong = try await acme.send(
                    method, path, template: template, body: [:],
                    headers: [("Content-Type", "application/json"), ("Authorization", "Bearer \(TenantKey.generate())")])
                #expect(wrong.status == 401)
                #expect(wrong.error?["message"]?.stringValue?.contains("tenant") == true)
            }
            #expect(try await acme.send(.GET, "/sessions").json == ["sessions": []])
        }
    }

    @Test func otherMethodsAre405WithAllow() async throws {
        try await Self.withServer { acme, _, _ in
            let put = try await acme.endpoint.request(.PUT, "/sessions", body: "{}")
            #expect(put.status == 405)
            #expect(put.headers.first(name: "Allow") == "POST, GET")
            let patch = try await acme.endpoint.request(.PATCH, "/sessions/x/cookies/d/n")
            #expect(patch.status == 405)
            #expect(patch.headers.first(name: "Allow") == "GET, DELETE")
            // Any method, not only those a router registers: TRACE, QUERY, HEAD, OPTIONS, WebDAV's PROPFIND
            // (a method the HTTP parser does not know at all is its 400, before any route).
            for method in [HTTPMethod.TRACE, .RAW(value: "QUERY"), .HEAD, .OPTIONS, .PROPFIND] {
                let answer = try await acme.endpoint.request(method, "/sessions/x")
                #expect(answer.status == 405, "\(method)")
                #expect(answer.headers.first(name: "Allow") == "GET, DELETE", "\(method)")
                if method != .HEAD {
                    #expect(answer.headers.first(name: "Content-Type")?.hasPrefix("application/json") == true, "\(method)")
                    #expect(answer.error?["message"]?.stringValue?.contains("/sessions/{session_id} answers GET, DELETE only") == true)
                }
            }
            // A literal path is its own route's, not a session id's: DELETE /sessions/stats is 405 (GET only).
            let deleteStats = try await acme.endpoint.request(.DELETE, "/sessions/stats")
            #expect(deleteStats.status == 405)
            #expect(deleteStats.headers.first(name: "Allow") == "GET")
            #expect(try await acme.endpoint.request(.TRACE, "/openapi.json").headers.first(name: "Allow") == "GET")
            // An unknown path stays 404, whatever the method.
            for method in [HTTPMethod.GET, .TRACE, .DELETE] {
                #expect(try await acme.endpoint.request(method, "/sessions/x/nothing").status == 404)
                #expect(try await acme.endpoint.request(method, "/nowhere").status == 404)
            }
        }
    }

    /// The document is generated from the registry: each route's params are its method's, and it
    /// lists only the routes the server serves (no /render without a browser pool).
    /// An optional body member sent as null is taken as absent, as over JSON-RPC, and the document
    /// says so (`type: [X, "null"]`); a required one is still refused, and changes nothing.
    @Test func anOptionalBodyMemberMayBeNullAsTheDocumentSays() async throws {
        try await Self.withServer { acme, _, _ in
            let create = acme.document["paths"]?["/sessions"]?["post"]?["requestBody"]?["content"]?["application/json"]?["schema"]
            #expect(create?["properties"]?["ttl_secs"]?["type"] == ["integer", "null"])
            #expect(create?["properties"]?["session_id"]?["type"] == ["string", "null"])
            let extend = acme.document["paths"]?["/sessions/{session_id}/extend"]?["post"]?["requestBody"]?["content"]?["application/json"]?["schema"]
            #expect(extend?["properties"]?["ttl_secs"]?["type"] == "integer", "required: never null")

            let created = try await acme.send(
                .POST, "/sessions",
                body: [
                    "session_id": "nulls", "ttl_secs": .null, "auto_renew": .null, "max_requests": .null, "metadata": .null,
                    "profile": .null, "keep_warm": .null,
                ])
            #expect(created.status == 201)
            #expect(try created.json["ttl_secs"] == 86400)
            #expect(try created.json["auto_renew"] == true)
            let generated = try await acme.send(.POST, "/sessions", body: ["session_id": .null])
            #expect(generated.status == 201)
            #expect(try generated.json["session_id"]?.stringValue?.hasPrefix(SessionID.generatedPrefix) == true)

            let template = "/sessions/{session_id}/extend"
            let noTTL = try await acme.send(.POST, "/sessions/nulls/extend", template: template, body: ["ttl_secs": .null])
            #expect(noTTL.status == 400)
            #expect(noTTL.error?["data"]?["field"] == "ttl_secs")
            #expect(try await acme.send(.GET, "/sessions/nulls", template: "/sessions/{session_id}").json["ttl_secs"] == 86400)
        }
    }

    /// `stats` and `cleanup` are valid session ids (as over JSON-RPC), but `/sessions/stats` and
    /// `/sessions/cleanup` are the concrete paths of their own routes, matched first, as the
    /// document's `session_id` says: such a session's other routes work, its GET and DELETE go
    /// over JSON-RPC.
    @Test func aSessionNamedLikeAConcretePathIsReachedAsTheDocumentSays() async throws {
        try await Self.withServer { acme, _, _ in
            let description = acme.document["paths"]?["/sessions/{session_id}"]?["get"]?["parameters"]?[0]?["description"]?.stringValue
            #expect(description?.contains("`/sessions/cleanup` and `/sessions/stats`") == true, "\(description ?? "none")")
            #expect(description?.contains("`session.get`") == true)
            #expect(acme.document["paths"]?["/sessions/{session_id}/extend"]?["post"]?["parameters"]?[0]?["description"] == nil)

            for id in ["stats", "cleanup"] {
                #expect(try await acme.send(.POST, "/sessions", body: ["session_id": .string(id)]).status == 201)
                let extended = try await acme.send(
                    .POST, "/sessions/\(id)/extend", template: "/sessions/{session_id}/extend", body: ["ttl_secs": 900])
                #expect(try extended.json["session_id"] == .string(id))
                let cookies = try await acme.send(.GET, "/sessions/\(id)/cookies", template: "/sessions/{session_id}/cookies")
                #expect(try cookies.json == ["cookies": []])
                #expect(try await acme.endpoint.result("session.get", ["session_id": .string(id)])["ttl_secs"] == 900)
            }
            // The concrete paths answer as their own routes.
            #expect(try await acme.send(.GET, "/sessions/stats").json["active_sessions"] == 2)
            let deleteStats = try await acme.endpoint.request(.DELETE, "/sessions/stats")
            #expect(deleteStats.status == 405)
            #expect(deleteStats.headers.first(name: "Allow") == "GET")
            #expect(try await acme.endpoint.result("session.delete", ["session_id": "stats"]) == ["deleted": true])
        }
    }

    @Test func theDocumentDescribesEachRouteWithItsMethodsSchemas() async throws {
        try await TestTenants.withTwo { two in
            try await TestServer.run(http: HTTPConfiguration(port: 0, tenantsFile: two.file)) { server in
                let document = try await RestCaller.make(server, key: nil).document
                #expect(document["openapi"] == "3.1.0")
                #expect(document["security"] == [["bearer": []]])
                let paths = document["paths"]?.objectValue ?? [:]
                #expect(paths["/render"] == nil)
                #expect(paths.keys.sorted() == [
                    "/sessions", "/sessions/cleanup", "/sessions/stats", "/sessions/{session_id}", "/sessions/{session_id}/cookies",
                    "/sessions/{session_id}/cookies/{domain}", "/sessions/{session_id}/cookies/{domain}/{name}",
                    "/sessions/{session_id}/extend",
                ])
                let registry = server.server.engine.registry
                let create = paths["/sessions"]?["post"]?["requestBody"]?["content"]?["application/json"]?["schema"]
                let createParams = registry.method(named: "session.create")?.parameters ?? []
                #expect(create?["properties"]?.objectValue?.keys.sorted() == createParams.map(\.name).sorted())
                #expect(create?["properties"]?["ttl_secs"]?["minimum"] == 1)
                let get = paths["/sessions/{session_id}"]?["get"]
                #expect(get?["responses"]?["200"]?["content"]?["application/json"]?["schema"] == ["$ref": "#/components/schemas/SessionInfo"])
                #expect(get?["responses"]?["404"] != nil)
                #expect(get?["responses"]?["410"] != nil)
                #expect(get?["parameters"]?.arrayValue?.first?["schema"]?["pattern"] == sessionPattern(registry))
                let extend = paths["/sessions/{session_id}/extend"]?["post"]?["requestBody"]?["content"]?["application/json"]?["schema"]
                #expect(extend?["required"] == ["ttl_secs"])
                #expect(extend?["properties"]?["session_id"] == nil)
            }
        }
    }

    private func sessionPattern(_ registry: RpcMethodRegistry) -> JSONValue? {
        registry.method(named: "session.get")?.parameters.first?.schema.json["pattern"]
    }
}
