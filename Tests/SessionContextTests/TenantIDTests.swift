import Foundation
import RenderTypes
import Testing
@testable import SessionContext

/// A session id carries its tenant: two tenants' ids of one text differ, and the text — what the wire
/// and the caller see — never shows the tenant.
@Suite struct TenantIDTests {
    let acme = TenantID("acme")!

    @Test(arguments: ["default", "acme", "a_b-9", String(repeating: "t", count: 64)])
    func acceptsTenantIdsOfAllowedCharacters(text: String) {
        #expect(TenantID(text)?.rawValue == text)
    }

    @Test(arguments: ["", String(repeating: "t", count: 65), "a.b", "a/b", "..", "a:b", "a b", "@acme", "é"])
    func refusesOthers(text: String) {
        #expect(TenantID(text) == nil)
        #expect(TenantID.invalidReason(text) != nil)
    }

    @Test(arguments: ["shop", "ses_0123456789abcdef0123456789abcdef"])
    func theSameTextInTwoTenantsIsTwoIds(text: String) throws {
        let mine = try SessionID(validating: text, tenant: acme)
        let theirs = try SessionID(validating: text)
        #expect(mine != theirs)
        #expect(Set([mine, theirs]).count == 2)
        #expect(mine.rawValue == theirs.rawValue)
        #expect(mine.inTenant(.default) == theirs)
        #expect(theirs.tenant == .default)
    }

    @Test func theWireFormIsTheTextAlone() throws {
        let id = try SessionID(validating: "shop", tenant: acme)
        #expect(String(decoding: try JSONEncoder().encode(id), as: UTF8.self) == #""shop""#)
        #expect("\(id)" == "shop")
        #expect(SessionError.notFound(id).rpcError == SessionError.notFound("shop").rpcError)
        let info = SessionInfo(RpcSessionContext(sessionId: id, now: Date(timeIntervalSince1970: 0)))
        let wire = try JSONValue(parsing: try JSONEncoder().encode(info))
        #expect(wire["session_id"] == "shop")
        #expect(!String(decoding: try JSONEncoder().encode(info), as: UTF8.self).contains("acme"))
    }

    @Test func theStoredRecordKeepsItsTenantAndOldRecordsAreTheDefaults() throws {
        let record = RpcSessionContext(sessionId: try SessionID(validating: "shop", tenant: acme), now: Date(timeIntervalSince1970: 0))
        let stored = try JSONEncoder().encode(record)
        #expect(try JSONDecoder().decode(RpcSessionContext.self, from: stored).sessionId.tenant == acme)
        let old = RpcSessionContext(sessionId: "shop", now: Date(timeIntervalSince1970: 0))
        let oldJSON = String(decoding: try JSONEncoder().encode(old), as: UTF8.self)
        #expect(!oldJSON.contains("tenant"))
        #expect(try JSONDecoder().decode(RpcSessionContext.self, from: Data(oldJSON.utf8)).sessionId.tenant == .default)
        let forged = oldJSON.replacingOccurrences(of: #""session_id":"shop""#, with: #""session_id":"shop","tenant":"../x""#)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(RpcSessionContext.self, from: Data(forged.utf8)) }
    }

    @Test func idsOrderByTenantThenText() throws {
        let ids = [
            try SessionID(validating: "b", tenant: acme), try SessionID(validating: "a"), try SessionID(validating: "a", tenant: acme),
        ]
        #expect(ids.sorted().map { "\($0.tenant)/\($0)" } == ["acme/a", "acme/b", "default/a"])
    }
}
