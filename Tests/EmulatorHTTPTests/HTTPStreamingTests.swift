import EmulatorTestSupport
import Foundation
import Logging
import XCTest
@testable import EmulatorHTTP

/// Streamed bodies (chunked, each part written when due) and delayed answers over real TCP:
/// timing, framing, pipelining behind them, `Connection: close` after the last chunk.
final class HTTPStreamingTests: XCTestCase {
    private var server: HTTPServer?

    override func tearDown() {
        server?.shutdown(timeout: 2)
        server = nil
        super.tearDown()
    }

    /// `/stream`: three parts, the second and third 300 ms apart; `/late`: a plain answer held
    /// 300 ms; anything else: an immediate `ok`.
    func startServer() throws -> Int {
        var logger = Logger(label: "HTTPStreamingTests")
        logger.logLevel = .critical
        let server = HTTPServer(
            configuration: .init(host: "127.0.0.1", port: 0, limits: HTTPLimits()), logger: logger,
            errorResponder: { status, message, _ in HTTPResponse(status: status, body: Array(message.utf8)) },
            handler: { request, _, respond in
                switch request.path {
                case "/stream":
                    var response = HTTPResponse(status: 200, headers: [("Content-Type", "text/event-stream")])
                    response.stream = HTTPBodyStream(parts: [
                        .init(bytes: Array("first".utf8)),
                        .init(delayMilliseconds: 300, bytes: Array("second".utf8)),
                        .init(bytes: []),
                        .init(delayMilliseconds: 300, bytes: Array("third".utf8)),
                    ])
                    respond(response)
                case "/late":
                    var response = HTTPResponse(status: 200, body: Array("late".utf8))
                    response.delayMilliseconds = 300
                    respond(response)
                default:
                    respond(HTTPResponse(status: 200, body: Array("ok".utf8)))
                }
            })
        let port = try server.start()
        self.server = server
        return port
    }

    func testPartsArriveWhenDueAsChunksThenThePipelinedRequest() throws {
        let client = try RawHTTPClient(port: try startServer())
        let start = Date()
        try client.send("GET /stream HTTP/1.1\r\nHost: localhost\r\n\r\nGET /next HTTP/1.1\r\nHost: localhost\r\n\r\n")
        let head = try client.readResponse(headOnly: true)
        XCTAssertEqual(head.header("Transfer-Encoding"), "chunked")
        XCTAssertNil(head.header("Content-Length"))
        var arrivals: [(String, TimeInterval)] = []
        while let chunk = try client.readChunk(timeout: 5) { arrivals.append((String(decoding: chunk, as: UTF8.self), Date().timeIntervalSince(start))) }
        XCTAssertEqual(arrivals.map(\.0), ["first", "second", "third"], "an empty part writes no chunk")
        XCTAssertLessThan(arrivals[0].1, 0.25)
        XCTAssertGreaterThanOrEqual(arrivals[1].1, 0.28)
        XCTAssertGreaterThanOrEqual(arrivals[2].1, 0.58)
        let next = try client.readResponse()
        XCTAssertEqual(next.text, "ok", "the pipelined request is answered after the stream's last chunk")
    }

    func testADelayedAnswerHoldsTheConnectionNotAThread() throws {
        let port = try startServer()
        let slow = try RawHTTPClient(port: port)
        let start = Date()
        try slow.send("GET /late HTTP/1.1\r\nHost: localhost\r\n\r\n")
        // Another connection on the same loops is answered meanwhile.
        let other = try RawHTTPClient(port: port)
        try other.send("GET /now HTTP/1.1\r\nHost: localhost\r\n\r\n")
        XCTAssertEqual(try other.readResponse().text, "ok")
        XCTAssertLessThan(Date().timeIntervalSince(start), 0.25)
        XCTAssertEqual(try slow.readResponse().text, "late")
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(start), 0.28)
    }

    func testConnectionCloseComesAfterTheLastChunk() throws {
        let client = try RawHTTPClient(port: try startServer())
        try client.send("GET /stream HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        let response = try client.readResponse()
        XCTAssertEqual(response.header("Connection"), "close")
        XCTAssertEqual(response.text, "firstsecondthird")
        XCTAssertTrue(client.waitForClose())
    }
}
