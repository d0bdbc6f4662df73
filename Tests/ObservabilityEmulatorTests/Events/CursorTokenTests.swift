import XCTest
@testable import ObservabilityEmulator

/// Search cursors are opaque and tamper-evident: a cursor from a page decodes back to the same
/// position, and any edit is a 400 rather than a silently different page.
final class CursorTokenTests: XCTestCase {
    let position = EventPosition(createdMs: 1_759_870_561_974, eventID: "fac12c48-e550-4f17-9581-f02cc35510f4")

    func testRoundTrip() throws {
        for position in [self.position, EventPosition(createdMs: 0, eventID: "a"), EventPosition(createdMs: -5, eventID: "ffffffff-ffff-4fff-bfff-ffffffffffff"),
                         EventPosition(createdMs: Int64.max, eventID: "00000000-0000-4000-8000-000000000000")] {
            let token = CursorToken.encode(position)
            XCTAssertEqual(try CursorToken.decode(token), position)
        }
    }

    func testTokenIsURLSafeAndStable() {
        let token = CursorToken.encode(position)
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")
        XCTAssertTrue(token.allSatisfy { allowed.contains($0) }, token)
        XCTAssertEqual(token, CursorToken.encode(position), "the same position must always give the same cursor")
        XCTAssertNotEqual(token, CursorToken.encode(EventPosition(createdMs: position.createdMs, eventID: "other")))
    }

    func assertRejected(_ token: String, file: StaticString = #filePath, line: UInt = #line) {
        assertAPIError(400, .some("SEARCH_BAD_REQUEST"), messageContains: ["cursor"], file: file, line: line) { try CursorToken.decode(token) }
    }

    func testEveryOneCharacterEditIsDetected() {
        let token = Array(CursorToken.encode(position))
        for index in token.indices where token[index] != "." {
            var edited = token
            edited[index] = edited[index] == "A" ? "B" : "A"
            let text = String(edited)
            // A different character can decode to the same bytes only in the final base64 digit's padding bits.
            if let decoded = try? CursorToken.decode(text) {
                XCTAssertEqual(decoded, position, "edit at \(index) produced another position")
            }
        }
        var tamperedPayload = token
        tamperedPayload[3] = tamperedPayload[3] == "A" ? "B" : "A"
        assertRejected(String(tamperedPayload))
    }

    func testForgedPayloadWithAnOldMACIsRejected() {
        let genuine = CursorToken.encode(position)
        let mac = genuine.split(separator: ".")[1]
        let forged = CursorToken.base64url(Array("v1|0|00000000-0000-4000-8000-000000000000".utf8)) + "." + mac
        assertRejected(forged)
    }

    func testMalformedTokensAreRejected() {
        let genuine = CursorToken.encode(position)
        let parts = genuine.split(separator: ".").map(String.init)
        for token in ["", ".", "abc", parts[0], parts[0] + ".", "." + parts[1], genuine + ".", genuine + "x", "x" + genuine,
                      genuine.replacingOccurrences(of: ".", with: ""), parts[1] + "." + parts[0], "!!!." + parts[1], "A." + parts[1],
                      "12345", "null"] {
            assertRejected(token)
        }
    }

    func testPayloadWithTheWrongShapeIsRejectedEvenWithAValidMAC() {
        for payload in ["v2|1|x", "v1|notanumber|x", "v1|1", "garbage"] {
            let bytes = Array(payload.utf8)
            let mac = Array(SHA1.hmac(key: CursorToken.key, message: bytes).prefix(10))
            assertRejected(CursorToken.base64url(bytes) + "." + CursorToken.base64url(mac))
        }
    }

    func testBase64URLRoundTrip() {
        for length in 0..<20 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 250) }
            XCTAssertEqual(CursorToken.unbase64url(CursorToken.base64url(bytes)), bytes)
        }
        XCTAssertNil(CursorToken.unbase64url("A"))
        XCTAssertNil(CursorToken.unbase64url("ab+/"))
    }
}
