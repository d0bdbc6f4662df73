#if canImport(Glibc)
import EmulatorTestSupport
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Logging
import XCTest
@testable import EmulatorHTTP

/// The server over real TCP on an ephemeral port: keep-alive, pipelining, HEAD, 100-continue,
/// errors that close the connection, deadlines, the connection limit and draining shutdown.
final class HTTPServerTests: XCTestCase {
    private var server: HTTPServer?

    override func tearDown() {
        server?.shutdown(timeout: 2)
        server = nil
        super.tearDown()
    }

    /// Answers 200 with `<target>:<body>` and the method in `X-Method`.
    static let echo: HTTPHandler = { request, _, respond in
        let body = Array("\(request.target):".utf8) + request.body
        respond(HTTPResponse(status: 200, headers: [("Content-Type", "text/plain"), ("X-Method", request.method)], body: body))
    }

    /// Starts a server on 127.0.0.1, port 0; returns the port `getsockname` reported.
    func startServer(limits configure: (inout HTTPLimits) -> Void = { _ in }, handler: @escaping HTTPHandler = HTTPServerTests.echo) throws -> Int {
        var limits = HTTPLimits()
        configure(&limits)
        var logger = Logger(label: "HTTPServerTests")
        logger.logLevel = .critical
        let server = HTTPServer(
            configuration: .init(host: "127.0.0.1", port: 0, limits: limits),
            logger: logger,
            errorResponder: { status, message, _ in
                HTTPResponse(status: status, headers: [("Content-Type", "text/plain")], body: Array(message.utf8))
            },
            handler: handler)
        let port = try server.start()
        self.server = server
        XCTAssertGreaterThan(port, 0)
        return port
    }

    // MARK: Keep-alive and pipelining

    func testTwoRequestsOnOneKeptAliveConnection() throws {
        let port = try startServer()
        let client = try RawHTTPClient(port: port)
        try client.send("GET /one HTTP/1.1\r\nHost: localhost\r\n\r\n")
        let first = try client.readResponse()
        XCTAssertEqual(first.status, 200)
        XCTAssertEqual(first.text, "/one:")
        XCTAssertNil(first.header("Connection"))
        XCTAssertNotNil(first.header("Date"))
        try client.send("POST /two HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\n\r\nbody")
        let second = try client.readResponse()
        XCTAssertEqual(second.status, 200)
        XCTAssertEqual(second.text, "/two:body")
        XCTAssertEqual(second.header("X-Method"), "POST")
        XCTAssertEqual(server?.connectionCount, 1)
    }

    func testPipelinedRequestsAreAnsweredInOrder() throws {
        // The first request is answered last by the handler; the wire order must not change.
        let port = try startServer(handler: { request, context, respond in
            if request.path == "/slow" {
                DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(100)) { HTTPServerTests.echo(request, context, respond) }
            } else {
                HTTPServerTests.echo(request, context, respond)
            }
        })
        let client = try RawHTTPClient(port: port)
        try client.send(
            "GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n"
                + "POST /b HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\n\r\nbbb"
                + "POST /c HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nc\r\n0\r\n\r\n")
        let responses = try (0..<3).map { _ in try client.readResponse() }
        XCTAssertEqual(responses.map(\.text), ["/slow:", "/b:bbb", "/c:c"])
        XCTAssertTrue(client.pending.isEmpty)
    }

    func testHEADHasContentLengthButNoBody() throws {
        let port = try startServer(handler: { request, _, respond in
            respond(HTTPResponse(status: 200, body: Array("twelve bytes".utf8)))
        })
        let client = try RawHTTPClient(port: port)
        // A GET right behind the HEAD: any body bytes after the HEAD would corrupt its parse.
        try client.send("HEAD /h HTTP/1.1\r\nHost: localhost\r\n\r\nGET /h HTTP/1.1\r\nHost: localhost\r\n\r\n")
        let head = try client.readResponse(isHead: true)
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.header("Content-Length"), "12")
        XCTAssertEqual(head.body, [])
        let get = try client.readResponse()
        XCTAssertEqual(get.status, 200)
        XCTAssertEqual(get.text, "twelve bytes")
    }

    func testExpectContinueGetsAnInterimResponseThenTheFinalOne() throws {
        let port = try startServer()
        let client = try RawHTTPClient(port: port)
        try client.send("PUT /e HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        let interim = try client.readResponse()
        XCTAssertEqual(interim.status, 100)
        try client.send("hello")
        let final = try client.readResponse()
        XCTAssertEqual(final.status, 200)
        XCTAssertEqual(final.text, "/e:hello")
    }

    func testExpectContinueWithAnOversizeBodyGets413InsteadOf100() throws {
        let port = try startServer()
        let client = try RawHTTPClient(port: port)
        try client.send("PUT /e HTTP/1.1\r\nHost: localhost\r\nContent-Length: 52428800\r\nExpect: 100-continue\r\n\r\n")
        let response = try client.readResponse()
        XCTAssertEqual(response.status, 413)
        XCTAssertTrue(client.waitForClose())
    }

    func testNoContentResponseHasNoBodyAndKeepsTheConnection() throws {
        let port = try startServer(handler: { request, _, respond in
            respond(request.path == "/204" ? HTTPResponse(status: 204) : HTTPResponse(status: 200, body: Array("ok".utf8)))
        })
        let client = try RawHTTPClient(port: port)
        try client.send("DELETE /204 HTTP/1.1\r\nHost: localhost\r\n\r\nGET /next HTTP/1.1\r\nHost: localhost\r\n\r\n")
        let noContent = try client.readResponse()
        XCTAssertEqual(noContent.status, 204)
        XCTAssertNil(noContent.header("Content-Length"))
        XCTAssertEqual(try client.readResponse().text, "ok")
    }

    func testLargeRequestAndResponseBodies() throws {
        let size = 2 * 1024 * 1024
        let port = try startServer(handler: { request, _, respond in
            // Echo the body back reversed: proves every byte arrived, in order, and went out whole.
            respond(HTTPResponse(status: 200, body: request.body.reversed()))
        })
        let client = try RawHTTPClient(port: port)
        let body = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try client.send("POST /big HTTP/1.1\r\nHost: localhost\r\nContent-Length: \(size)\r\n\r\n")
        try client.send(body)
        let response = try client.readResponse(timeout: 15)
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.body.count, size)
        XCTAssertTrue(response.body == body.reversed(), "body bytes differ")
    }

    // MARK: Closing

    func testHTTP10AndConnectionCloseAreAnsweredThenClosed() throws {
        let port = try startServer()
        let legacy = try RawHTTPClient(port: port)
        try legacy.send("GET /old HTTP/1.0\r\n\r\n")
        let response = try legacy.readResponse()
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.header("Connection"), "close")
        XCTAssertTrue(legacy.waitForClose())

        let modern = try RawHTTPClient(port: port)
        try modern.send("GET /bye HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\nGET /ignored HTTP/1.1\r\nHost: localhost\r\n\r\n")
        let bye = try modern.readResponse()
        XCTAssertEqual(bye.text, "/bye:")
        XCTAssertEqual(bye.header("Connection"), "close")
        XCTAssertTrue(modern.waitForClose(), "a request after Connection: close must not be answered")
    }

    func testMalformedRequestIsAnswered400WithConnectionCloseThenClosed() throws {
        let port = try startServer()
        let client = try RawHTTPClient(port: port)
        try client.send("GET /ok HTTP/1.1\r\nHost: localhost\r\n\r\nGET / HTTP/1.1\r\nHost : x\r\n\r\n")
        XCTAssertEqual(try client.readResponse().status, 200)
        let error = try client.readResponse()
        XCTAssertEqual(error.status, 400)
        XCTAssertEqual(error.header("Connection"), "close")
        XCTAssertFalse(error.body.isEmpty, "the refusal must explain itself")
        XCTAssertTrue(client.waitForClose())
    }

    func testOversizeDeclaredBodyIs413WithoutSendingIt() throws {
        let port = try startServer()
        let client = try RawHTTPClient(port: port)
        try client.send("POST /big HTTP/1.1\r\nHost: localhost\r\nContent-Length: 52428800\r\n\r\n")
        let response = try client.readResponse()
        XCTAssertEqual(response.status, 413)
        XCTAssertEqual(response.header("Connection"), "close")
        XCTAssertTrue(client.waitForClose())
    }

    func testOversizeDeclaredBodyIs413EvenWhileTheClientKeepsUploading() throws {
        let port = try startServer()
        let client = try RawHTTPClient(port: port)
        // A client that does not wait for an answer before sending its body: the unread upload
        // must not make the kernel reset the connection and destroy the 413.
        try client.send("POST /big HTTP/1.1\r\nHost: localhost\r\nContent-Length: 52428800\r\n\r\n")
        try client.send([UInt8](repeating: 0x61, count: 1024 * 1024))
        let response = try client.readResponse()
        XCTAssertEqual(response.status, 413)
        XCTAssertEqual(response.header("Connection"), "close")
    }

    func testHeaderLimitsAnswer431And414OverTheWire() throws {
        let port = try startServer()
        let longHeader = try RawHTTPClient(port: port)
        try longHeader.send("GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: \(String(repeating: "b", count: 9000))\r\n\r\n")
        XCTAssertEqual(try longHeader.readResponse().status, 431)
        XCTAssertTrue(longHeader.waitForClose())

        let longTarget = try RawHTTPClient(port: port)
        try longTarget.send("GET /\(String(repeating: "a", count: 9000)) HTTP/1.1\r\nHost: localhost\r\n\r\n")
        XCTAssertEqual(try longTarget.readResponse().status, 414)
        XCTAssertTrue(longTarget.waitForClose())
    }

    // MARK: Deadlines and limits

    func testHalfARequestIsAnswered408AfterTheReadTimeout() throws {
        let port = try startServer(limits: { $0.readTimeout = 1 })
        let client = try RawHTTPClient(port: port)
        let started = Date()
        try client.send("POST /slowloris HTTP/1.1\r\nHost: localhost\r\nContent-Le")
        // The sweeper runs once a second: allow up to three seconds past the timeout.
        let response = try client.readResponse(timeout: 4)
        XCTAssertEqual(response.status, 408)
        XCTAssertEqual(response.header("Connection"), "close")
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 0.9)
        XCTAssertTrue(client.waitForClose())
    }

    func testBodyThatStopsHalfWayIsAnswered408() throws {
        let port = try startServer(limits: { $0.readTimeout = 1 })
        let client = try RawHTTPClient(port: port)
        try client.send("POST /x HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\n12345")
        let response = try client.readResponse(timeout: 4)
        XCTAssertEqual(response.status, 408)
        XCTAssertTrue(client.waitForClose())
    }

    func testIdleConnectionIsClosedSilentlyAfterTheIdleTimeout() throws {
        let port = try startServer(limits: { $0.idleTimeout = 1 })
        let client = try RawHTTPClient(port: port)
        try client.send("GET /once HTTP/1.1\r\nHost: localhost\r\n\r\n")
        XCTAssertEqual(try client.readResponse().status, 200)
        // An idle keep-alive connection gets no 408, just a close.
        XCTAssertTrue(client.waitForClose(timeout: 4))
    }

    func testConnectionOverTheLimitIsAnswered503AndClosed() throws {
        let port = try startServer(limits: { $0.maxConnections = 1 })
        let first = try RawHTTPClient(port: port)
        try first.send("GET /a HTTP/1.1\r\nHost: localhost\r\n\r\n")
        XCTAssertEqual(try first.readResponse().status, 200)

        let second = try RawHTTPClient(port: port)
        let refused = try second.readResponse()
        XCTAssertEqual(refused.status, 503)
        XCTAssertEqual(refused.header("Connection"), "close")
        XCTAssertTrue(second.waitForClose())

        // The connection within the limit is unaffected.
        try first.send("GET /b HTTP/1.1\r\nHost: localhost\r\n\r\n")
        XCTAssertEqual(try first.readResponse().text, "/b:")
    }

    // MARK: Event loops

    func testConnectionsAreDealtAcrossTheEventLoops() throws {
        let threads = ThreadNames()
        let port = try startServer(handler: { request, _, respond in
            threads.record()
            respond(HTTPResponse(status: 200))
        })
        let clients = try (0..<4).map { _ in try RawHTTPClient(port: port) }
        for client in clients {
            try client.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
            XCTAssertEqual(try client.readResponse().status, 200)
        }
        let expected = min(ProcessInfo.processInfo.activeProcessorCount, 4)
        XCTAssertEqual(threads.distinct, expected, "handlers ran on \(threads.distinct) loop threads")
    }

    /// A client that pipelines requests and never reads the answers must not make the server
    /// buffer answers without bound: it stops reading, so the client's sends back up.
    func testAClientThatNeverReadsIsNotReadWithoutBound() throws {
        let large = [UInt8](repeating: UInt8(ascii: "x"), count: 64 * 1024)
        let answered = Counter()
        let port = try startServer(handler: { _, _, respond in
            answered.increment()
            respond(HTTPResponse(status: 200, body: large))
        })
        let client = try RawHTTPClient(port: port)
        let request = Array("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8)
        let batch = Array([[UInt8]](repeating: request, count: 1024).joined())
        var sent = 0
        var backedUp = false
        // 64 MB of requests would ask for 128 GB of answers.
        while sent < 64 << 20 {
            guard let count = client.sendWithoutBlocking(batch, waitMilliseconds: 1000) else { backedUp = true; break }
            sent += count
        }
        XCTAssertTrue(backedUp, "the server read \(sent) bytes of requests without its answers being read")
        // What the socket buffers hold (a few MB each way) plus the 1 MB the server keeps; far
        // from the 64 MB of answers a thousand requests would pile up.
        XCTAssertLessThan(answered.value, 1000, "answers kept piling up for a client that reads none")
    }

    func testHandlersCanSeeThatTheClientClosedItsSide() throws {
        let held = HeldResponder()
        let presence = Box<ClientPresence>()
        let port = try startServer(handler: { _, context, respond in
            presence.value = context.client
            held.hold(respond)
        })
        let client = try RawHTTPClient(port: port)
        try client.send("GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n")
        XCTAssertTrue(held.waitUntilHeld(timeout: 5))
        let seen = try XCTUnwrap(presence.value)
        XCTAssertFalse(seen.hasClosed, "the client is still there")
        client.closeWrite()
        let deadline = Date().addingTimeInterval(5)
        while !seen.hasClosed && Date() < deadline { usleep(5_000) }
        XCTAssertTrue(seen.hasClosed, "the server never noticed the client's end-of-stream")
        held.release(HTTPResponse(status: 200))
    }

    // MARK: Shutdown

    func testShutdownDrainsTheInFlightRequestAndRefusesNewConnections() throws {
        let held = HeldResponder()
        let port = try startServer(handler: { request, context, respond in
            if request.path == "/held" { held.hold(respond) } else { HTTPServerTests.echo(request, context, respond) }
        })
        let idle = try RawHTTPClient(port: port)
        try idle.send("GET /idle HTTP/1.1\r\nHost: localhost\r\n\r\n")
        XCTAssertEqual(try idle.readResponse().status, 200)

        let busy = try RawHTTPClient(port: port)
        try busy.send("GET /held HTTP/1.1\r\nHost: localhost\r\n\r\n")
        XCTAssertTrue(held.waitUntilHeld(timeout: 5), "the handler never ran")

        let server = try XCTUnwrap(self.server)
        let finished = Flag()
        let shutdownDone = expectation(description: "shutdown returned")
        DispatchQueue.global().async {
            server.shutdown(timeout: 5)
            finished.set()
            shutdownDone.fulfill()
        }

        // The idle connection closes at once; new connections are refused.
        XCTAssertTrue(idle.waitForClose(timeout: 3))
        idle.disconnect()
        let deadline = Date().addingTimeInterval(3)
        var refused = false
        while !refused && Date() < deadline {
            do {
                let late = try RawHTTPClient(port: port)
                // Accepted in the instant before the listener closed: it must be turned away.
                if let response = try? late.readResponse(timeout: 1) { XCTAssertEqual(response.status, 503) }
            } catch {
                refused = true
            }
        }
        XCTAssertTrue(refused, "the listening socket still accepts connections during shutdown")
        XCTAssertFalse(finished.isSet, "shutdown returned before the in-flight request was answered")

        held.release(HTTPResponse(status: 200, body: Array("late but whole".utf8)))
        let response = try busy.readResponse()
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.text, "late but whole")
        XCTAssertEqual(response.header("Connection"), "close")
        XCTAssertTrue(busy.waitForClose())
        busy.disconnect()

        wait(for: [shutdownDone], timeout: 5)
        XCTAssertEqual(server.connectionCount, 0)
        self.server = nil
    }
}

/// Keeps a handler's `respond` until the test releases it.
final class HeldResponder: @unchecked Sendable {
    private let lock = NSLock()
    private var respond: (@Sendable (HTTPResponse) -> Void)?
    private let held = DispatchSemaphore(value: 0)

    func hold(_ respond: @escaping @Sendable (HTTPResponse) -> Void) {
        lock.lock()
        self.respond = respond
        lock.unlock()
        held.signal()
    }

    func waitUntilHeld(timeout: TimeInterval) -> Bool { held.wait(timeout: .now() + timeout) == .success }

    func release(_ response: HTTPResponse) {
        lock.lock()
        let respond = self.respond
        self.respond = nil
        lock.unlock()
        respond?(response)
    }
}

/// A thread-safe boolean.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}

/// The distinct threads a handler ran on.
final class ThreadNames: @unchecked Sendable {
    private let lock = NSLock()
    private var threads: [pthread_t] = []

    func record() {
        let current = pthread_self()
        lock.lock()
        if !threads.contains(where: { pthread_equal($0, current) != 0 }) { threads.append(current) }
        lock.unlock()
    }

    var distinct: Int { lock.lock(); defer { lock.unlock() }; return threads.count }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}

final class Box<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T?
    var value: T? {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; lock.unlock() }
    }
}
