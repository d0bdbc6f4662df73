import XCTest
@testable import EmulatorHTTP

/// The parser fed from strings: what a well-formed request becomes, how bodies are framed, and
/// the status every malformed or oversized request is refused with.
final class HTTPRequestParserTests: XCTestCase {
    // MARK: Well-formed requests

    func testSimpleGET() throws {
        var parser = HTTPRequestParser.make()
        let events = parser.feed("GET /v1/observability/judges?page=2&q=a+b HTTP/1.1\r\nHost: localhost:8080\r\nAccept: */*\r\n\r\n")
        XCTAssertEqual(events.count, 1)
        let head = try XCTUnwrap(events.first?.head)
        XCTAssertEqual(head.method, "GET")
        XCTAssertEqual(head.target, "/v1/observability/judges?page=2&q=a+b")
        XCTAssertEqual(head.versionMinor, 1)
        XCTAssertEqual(head.framing, .none)
        XCTAssertFalse(head.expectsContinue)
        XCTAssertEqual(events.first?.body, [])
        let request = head.makeRequest(body: [])
        XCTAssertEqual(request.path, "/v1/observability/judges")
        XCTAssertEqual(request.rawQuery, "page=2&q=a+b")
        XCTAssertEqual(request.queryItems.map(\.name), ["page", "q"])
        XCTAssertEqual(request.queryItems.map(\.value), ["2", "a b"])
        XCTAssertEqual(request.header("host"), "localhost:8080")
        XCTAssertEqual(request.header("ACCEPT"), "*/*")
        XCTAssertTrue(request.wantsKeepAlive)
        XCTAssertTrue(parser.isIdle)
        XCTAssertEqual(parser.bufferedCount, 0)
    }

    func testHeaderValuesAreTrimmedAndNamesKeepTheirCase() throws {
        var parser = HTTPRequestParser.make()
        let events = parser.feed("GET / HTTP/1.1\r\nHost: a\r\nX-Custom-Name: \t value with  inner spaces \t\r\nX-Empty:\r\n\r\n")
        let head = try XCTUnwrap(events.first?.head)
        XCTAssertEqual(head.headers.map(\.name), ["Host", "X-Custom-Name", "X-Empty"])
        XCTAssertEqual(head.headers[1].value, "value with  inner spaces")
        XCTAssertEqual(head.headers[2].value, "")
    }

    func testHeadArrivingOneByteAtATime() throws {
        var parser = HTTPRequestParser.make()
        let text = "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
        var events: [HTTPRequestParser.Event] = []
        for byte in text.utf8 {
            events += parser.feed([byte])
            if events.isEmpty { XCTAssertFalse(parser.isIdle) }
        }
        XCTAssertEqual(events.count, 1)
        XCTAssertEqual(events.first?.bodyText, "abc")
        XCTAssertTrue(parser.isIdle)
    }

    func testContentLengthBodySplitAcrossAppends() throws {
        var parser = HTTPRequestParser.make()
        XCTAssertEqual(parser.feed("POST /v1/x HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhel"), [])
        XCTAssertFalse(parser.isIdle)
        XCTAssertEqual(parser.feed("lo wo"), [])
        let events = parser.feed("rld")
        XCTAssertEqual(events.count, 1)
        XCTAssertEqual(events.first?.head?.framing, .length(11))
        XCTAssertEqual(events.first?.bodyText, "hello world")
        XCTAssertTrue(parser.isIdle)
    }

    func testZeroContentLengthIsAnEmptyBody() throws {
        var parser = HTTPRequestParser.make()
        let events = parser.feed("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n")
        XCTAssertEqual(events.count, 1)
        XCTAssertEqual(events.first?.body, [])
    }

    func testPipelinedRequestsInOneBufferComeOutInOrder() throws {
        var parser = HTTPRequestParser.make()
        let events = parser.feed(
            "GET /first HTTP/1.1\r\nHost: a\r\n\r\n"
                + "POST /second HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nbody"
                + "POST /third HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"
                + "DELETE /fourth HTTP/1.1\r\nHost: a\r\n\r\n")
        XCTAssertEqual(events.map { $0.head?.target }, ["/first", "/second", "/third", "/fourth"])
        XCTAssertEqual(events.map(\.bodyText), ["", "body", "ok", ""])
        XCTAssertTrue(parser.isIdle)
    }

    func testPipelinedRequestWithPartialSecond() throws {
        var parser = HTTPRequestParser.make()
        let first = parser.feed("GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTT")
        XCTAssertEqual(first.map { $0.head?.target }, ["/a"])
        XCTAssertFalse(parser.isIdle)
        let second = parser.feed("P/1.1\r\nHost: a\r\n\r\n")
        XCTAssertEqual(second.map { $0.head?.target }, ["/b"])
    }

    func testEmptyLinesBeforeARequestAreTolerated() throws {
        var parser = HTTPRequestParser.make()
        let events = parser.feed("\r\n\r\nGET /after-blank HTTP/1.1\r\nHost: a\r\n\r\n")
        XCTAssertEqual(events.first?.head?.target, "/after-blank")
    }

    func testChunkedBodyWithExtensionsAndTrailers() throws {
        var parser = HTTPRequestParser.make()
        let events = parser.feed(
            "POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n"
                + "6;quoted=\"a;b\";flag\r\n world\r\n"
                + "A\r\n0123456789\r\n"
                + "0;last\r\n"
                + "X-Checksum: abc\r\nX-Other: 1\r\n\r\n")
        XCTAssertEqual(events.count, 1)
        XCTAssertEqual(events.first?.head?.framing, .chunked)
        XCTAssertEqual(events.first?.bodyText, "hello world0123456789")
        XCTAssertTrue(parser.isIdle)
    }

    func testChunkedBodyArrivingPieceByPiece() throws {
        var parser = HTTPRequestParser.make()
        let pieces = ["POST /u HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", "1", "0\r\n0123", "456789ABCDEF\r", "\n0\r", "\n", "\r\n"]
        var events: [HTTPRequestParser.Event] = []
        for piece in pieces { events += parser.feed(piece) }
        XCTAssertEqual(events.count, 1)
        XCTAssertEqual(events.first?.bodyText, "0123456789ABCDEF")
    }

    func testTransferEncodingIsCaseInsensitive() throws {
        var parser = HTTPRequestParser.make()
        let events = parser.feed("POST /u HTTP/1.1\r\nHost: a\r\ntransfer-encoding: Chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
        XCTAssertEqual(events.first?.bodyText, "abc")
    }

    func testExpectContinueYieldsSendContinueBeforeTheBody() throws {
        var parser = HTTPRequestParser.make()
        let first = parser.feed("PUT /j HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        XCTAssertEqual(first, [.sendContinue])
        XCTAssertEqual(parser.next(), .needMore)
        let second = parser.feed("12345")
        XCTAssertEqual(second.count, 1)
        XCTAssertEqual(second.first?.bodyText, "12345")
        XCTAssertEqual(second.first?.head?.expectsContinue, true)
    }

    func testExpectContinueWithChunkedBody() throws {
        var parser = HTTPRequestParser.make()
        XCTAssertEqual(parser.feed("POST /j HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nExpect: 100-Continue\r\n\r\n"), [.sendContinue])
        XCTAssertEqual(parser.feed("2\r\nhi\r\n0\r\n\r\n").first?.bodyText, "hi")
    }

    func testExpectContinueWhenTheBodyIsAlreadyHereSkipsTheInterimAnswer() throws {
        var parser = HTTPRequestParser.make()
        let events = parser.feed("PUT /j HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\nok")
        XCTAssertEqual(events.count, 1)
        XCTAssertEqual(events.first?.bodyText, "ok")
    }

    func testExpectContinueWithoutABodyIsNoInterimAnswer() throws {
        var parser = HTTPRequestParser.make()
        let events = parser.feed("GET /j HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n")
        XCTAssertEqual(events.count, 1)
        XCTAssertEqual(events.first?.head?.expectsContinue, false)
    }

    func testUnknownExpectationIs417() {
        var parser = HTTPRequestParser.make()
        let events = parser.feed("POST /j HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nExpect: something-else\r\n\r\nx")
        XCTAssertEqual(events.last?.failure?.status, 417)
    }

    func testHTTP10WithoutHost() throws {
        var parser = HTTPRequestParser.make()
        let events = parser.feed("GET /legacy HTTP/1.0\r\n\r\n")
        let head = try XCTUnwrap(events.first?.head)
        XCTAssertEqual(head.versionMinor, 0)
        XCTAssertFalse(head.makeRequest(body: []).wantsKeepAlive)
    }

    func testHTTP10KeepAliveAndHTTP11Close() throws {
        var parser = HTTPRequestParser.make()
        let events = parser.feed("GET /a HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\nConnection: upgrade, close\r\n\r\n")
        XCTAssertEqual(events.count, 2)
        XCTAssertEqual(events[0].head?.makeRequest(body: []).wantsKeepAlive, true)
        XCTAssertEqual(events[1].head?.makeRequest(body: []).wantsKeepAlive, false)
    }

    func testHTTP10ContentLengthBody() throws {
        var parser = HTTPRequestParser.make()
        let events = parser.feed("POST /legacy HTTP/1.0\r\nContent-Length: 2\r\n\r\nhi")
        XCTAssertEqual(events.first?.bodyText, "hi")
    }

    func testAbsoluteFormTargetKeepsPathAndQuery() throws {
        var parser = HTTPRequestParser.make()
        let events = parser.feed(
            "GET http://example.com:8080/v1/observability/judges?page=3 HTTP/1.1\r\nHost: example.com:8080\r\n\r\n"
                + "GET HTTPS://example.com HTTP/1.1\r\nHost: example.com\r\n\r\n"
                + "GET http://example.com?x=1 HTTP/1.1\r\nHost: example.com\r\n\r\n")
        XCTAssertEqual(events.map { $0.head?.target }, ["/v1/observability/judges?page=3", "/", "/?x=1"])
        XCTAssertEqual(events.first?.head?.makeRequest(body: []).path, "/v1/observability/judges")
    }

    func testAsteriskFormOnlyWithOptions() throws {
        var parser = HTTPRequestParser.make()
        XCTAssertEqual(parser.feed("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n").first?.head?.target, "*")
        var other = HTTPRequestParser.make()
        XCTAssertEqual(other.feed("GET * HTTP/1.1\r\nHost: a\r\n\r\n").first?.failure?.status, 400)
    }

    func testDuplicateIdenticalContentLengthIsAccepted() throws {
        var parser = HTTPRequestParser.make()
        let events = parser.feed("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\ncontent-length: 3\r\n\r\nabc")
        XCTAssertEqual(events.first?.bodyText, "abc")
        var listed = HTTPRequestParser.make()
        XCTAssertEqual(listed.feed("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\nabc").first?.bodyText, "abc")
    }

    // MARK: Malformed requests

    func assertRefused(_ text: String, status: Int, limits: (inout HTTPLimits) -> Void = { _ in }, file: StaticString = #filePath, line: UInt = #line) {
        var parser = HTTPRequestParser.make(limits)
        let events = parser.feed(text)
        guard let error = events.last?.failure else {
            return XCTFail("expected \(status), got \(events) for \(text.prefix(120).debugDescription)", file: file, line: line)
        }
        XCTAssertEqual(error.status, status, error.message, file: file, line: line)
        XCTAssertFalse(error.message.isEmpty, file: file, line: line)
        XCTAssertTrue(events.dropLast().allSatisfy { $0.failure == nil }, file: file, line: line)
        // A failed parser stays failed: nothing more comes out of it.
        parser.append(Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
        XCTAssertEqual(parser.next(), .needMore, file: file, line: line)
    }

    func testContentLengthWithTransferEncodingIs400() {
        assertRefused("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", status: 400)
        assertRefused("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n", status: 400)
    }

    func testConflictingContentLengthsAre400() {
        assertRefused("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", status: 400)
        assertRefused("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 6\r\n\r\nhello!", status: 400)
    }

    func testInvalidContentLengthIs400() {
        for value in ["abc", "-1", "+5", "", "1 2", "0x10", "5.0", "99999999999999999999999"] {
            assertRefused("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: \(value)\r\n\r\n", status: 400)
        }
    }

    func testObsFoldIs400() {
        assertRefused("GET / HTTP/1.1\r\nHost: a\r\nX-Long: first\r\n second\r\n\r\n", status: 400)
        assertRefused("GET / HTTP/1.1\r\nHost: a\r\nX-Long: first\r\n\tsecond\r\n\r\n", status: 400)
    }

    func testBareLFIs400() {
        assertRefused("GET / HTTP/1.1\nHost: a\n\n", status: 400)
        assertRefused("GET / HTTP/1.1\r\nHost: a\nX-A: b\r\n\r\n", status: 400)
        assertRefused("GET / HTTP/1.1\r\nHost: a\r\n\n", status: 400)
    }

    func testBareCRIs400() {
        assertRefused("GET / HTTP/1.1\r\nHost: a\rX-A: b\r\n\r\n", status: 400)
    }

    func testBareLFIsRefusedBeforeTheHeadEnds() {
        // No terminator will ever come: the parser must not wait for one.
        assertRefused("GET / HTTP/1.1\nHost: a", status: 400)
    }

    func testWhitespaceBeforeColonIs400() {
        assertRefused("GET / HTTP/1.1\r\nHost : a\r\n\r\n", status: 400)
        assertRefused("GET / HTTP/1.1\r\nHost: a\r\nContent-Length\t: 0\r\n\r\n", status: 400)
    }

    func testInvalidHeaderLinesAre400() {
        assertRefused("GET / HTTP/1.1\r\nHost: a\r\nNoColonHere\r\n\r\n", status: 400)
        assertRefused("GET / HTTP/1.1\r\nHost: a\r\n: empty-name\r\n\r\n", status: 400)
        assertRefused("GET / HTTP/1.1\r\nHost: a\r\nBad(Name): x\r\n\r\n", status: 400)
        assertRefused("GET / HTTP/1.1\r\nHost: a\r\nX-Ctl: a\u{7F}b\r\n\r\n", status: 400)
    }

    func testMissingHostInHTTP11Is400() {
        assertRefused("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", status: 400)
    }

    func testTwoHostHeadersAre400() {
        assertRefused("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", status: 400)
    }

    func testMalformedRequestLinesAre400() {
        for line in ["GET /", "GET  / HTTP/1.1", "GET / HTTP/1.1 extra", "/ HTTP/1.1", "GE(T / HTTP/1.1", "GET /a b HTTP/1.1",
                     "GET relative HTTP/1.1", "GET ftp://x/ HTTP/1.1", "GET / FOO/1.1", "GET / http/1.1", "GET /é HTTP/1.1"] {
            assertRefused(line + "\r\nHost: a\r\n\r\n", status: 400)
        }
    }

    func testDeclaredBodyOverTheLimitIs413BeforeTheBodyIsRead() {
        var parser = HTTPRequestParser.make()
        // The head alone, no body byte: the refusal must come now, not after 50 MB.
        let events = parser.feed("POST /v1/x HTTP/1.1\r\nHost: a\r\nContent-Length: 52428800\r\n\r\n")
        XCTAssertEqual(events.count, 1)
        XCTAssertEqual(events.first?.failure?.status, 413)
    }

    func testDeclaredBodyAtTheLimitIsAccepted() {
        var parser = HTTPRequestParser.make { $0.maxBodyBytes = 8 }
        XCTAssertEqual(parser.feed("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 8\r\n\r\n12345678").first?.bodyText, "12345678")
        assertRefused("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 9\r\n\r\n", status: 413, limits: { $0.maxBodyBytes = 8 })
    }

    func testRequestLineTooLongIs414() {
        let long = String(repeating: "a", count: 9000)
        assertRefused("GET /\(long) HTTP/1.1\r\nHost: a\r\n\r\n", status: 414)
    }

    func testRequestLineTooLongIs414BeforeItEnds() {
        // The line never ends: the parser must stop buffering once the limit is passed.
        assertRefused("GET /" + String(repeating: "a", count: 8 * 1024 + 10), status: 414)
    }

    func testHeaderLineTooLongIs431() {
        assertRefused("GET / HTTP/1.1\r\nHost: a\r\nX-Big: \(String(repeating: "b", count: 9000))\r\n\r\n", status: 431)
    }

    func testHeaderSectionTooLargeIs431() {
        let header = "X-Filler: \(String(repeating: "f", count: 1000))\r\n"
        assertRefused("GET / HTTP/1.1\r\nHost: a\r\n" + String(repeating: header, count: 70) + "\r\n", status: 431)
    }

    func testHeaderSectionTooLargeIs431BeforeItEnds() {
        let header = "X-Filler: \(String(repeating: "f", count: 1000))\r\n"
        assertRefused("GET / HTTP/1.1\r\nHost: a\r\n" + String(repeating: header, count: 70), status: 431)
    }

    func testTooManyHeadersIs431() {
        var text = "GET / HTTP/1.1\r\nHost: a\r\n"
        for index in 0..<100 { text += "X-H\(index): v\r\n" }
        assertRefused(text + "\r\n", status: 431)
        var parser = HTTPRequestParser.make()
        var ok = "GET / HTTP/1.1\r\nHost: a\r\n"
        for index in 0..<99 { ok += "X-H\(index): v\r\n" }
        XCTAssertNotNil(parser.feed(ok + "\r\n").first?.head)
    }

    func testUnsupportedHTTPVersionIs505() {
        assertRefused("GET / HTTP/2.0\r\nHost: a\r\n\r\n", status: 505)
        assertRefused("GET / HTTP/1.2\r\nHost: a\r\n\r\n", status: 505)
        assertRefused("GET / HTTP/0.9\r\nHost: a\r\n\r\n", status: 505)
    }

    func testUnsupportedTransferCodingIsRefused() {
        // chunked last but another coding before it: a coding we do not implement (RFC 9112 6.1).
        assertRefused("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", status: 501)
        // chunked not last (or absent): the body length cannot be determined.
        assertRefused("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", status: 400)
        assertRefused("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", status: 400)
    }

    func testTransferEncodingInHTTP10Is400() {
        assertRefused("POST /x HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", status: 400)
    }

    func testOversizeOrInvalidChunkSizeIs400() {
        let head = "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        assertRefused(head + "FFFFFFFFF\r\n", status: 400)
        assertRefused(head + "123456789ABCDEF0\r\n", status: 400)
        assertRefused(head + "zz\r\n", status: 400)
        assertRefused(head + "-1\r\n", status: 400)
        assertRefused(head + "+5\r\nhello\r\n0\r\n\r\n", status: 400)
        assertRefused(head + ";ext\r\n", status: 400)
        assertRefused(head + "5\nhello\r\n", status: 400)
        assertRefused(head + String(repeating: "0", count: 2000), status: 400)
    }

    func testChunkDataNotFollowedByCRLFIs400() {
        assertRefused("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n", status: 400)
    }

    func testChunkedTotalOverTheBodyLimitIs413() {
        let head = "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        // One chunk declared past the 10 MiB default: refused on its size line, before its data.
        assertRefused(head + "A00001\r\n", status: 413)
        // Several chunks that are each small but add up past the limit.
        assertRefused(head + "8\r\n12345678\r\n8\r\n12345678\r\n1\r\n", status: 413, limits: { $0.maxBodyBytes = 16 })
    }

    func testChunkedTotalAtTheLimitIsAccepted() {
        var parser = HTTPRequestParser.make { $0.maxBodyBytes = 16 }
        let events = parser.feed("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\nabcdefgh\r\n0\r\n\r\n")
        XCTAssertEqual(events.first?.bodyText, "12345678abcdefgh")
    }

    func testTrailerSectionTooLargeIs431() {
        let head = "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"
        let trailer = "X-T: \(String(repeating: "t", count: 1000))\r\n"
        assertRefused(head + String(repeating: trailer, count: 70) + "\r\n", status: 431)
    }
}
