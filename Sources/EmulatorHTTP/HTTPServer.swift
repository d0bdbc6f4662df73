#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation
import Synchronization
import Logging

/// What a handler learns about a request besides the request itself.
public struct HTTPRequestContext: Sendable {
    /// When the last byte of the request arrived, in monotonic nanoseconds.
    public var receivedAt: UInt64
    public var connectionID: UInt64
    /// Whether the client has closed its side since; readable from any thread.
    public var client: ClientPresence

    public init(receivedAt: UInt64, connectionID: UInt64, client: ClientPresence = ClientPresence()) {
        self.receivedAt = receivedAt
        self.connectionID = connectionID
        self.client = client
    }
}

/// Set once the client has closed its side of the connection (or the connection is gone).
///
/// Work queued for a request can check it before it starts, as nginx does with its 499: a
/// client that has hung up will not read the answer, and a burst of abandoned heavy requests
/// would otherwise delay everyone after them.
public final class ClientPresence: Sendable {
    private let gone = Mutex(false)

    public init() {}

    public var hasClosed: Bool { gone.withLock { $0 } }

    func markClosed() { gone.withLock { $0 = true } }
}

/// Handlers answer through `respond`, exactly once, at once or later from any thread. They are
/// called on an event loop's thread, which serves other connections too: work that can block
/// belongs on another thread, answering from there.
public typealias HTTPHandler = @Sendable (HTTPRequest, HTTPRequestContext, @escaping @Sendable (HTTPResponse) -> Void) -> Void

/// Builds the body of an error the server itself answers (parse failures, timeouts, overload),
/// so the product decides the error shape and this layer stays ignorant of it.
/// Answers a request the server refuses before any handler runs; `head` is the request's head
/// when it was parsed (a body over the limit), nil otherwise.
public typealias HTTPErrorResponder = @Sendable (_ status: Int, _ message: String, _ head: HTTPRequestHead?) -> HTTPResponse

/// An HTTP/1.1 server on non-blocking POSIX sockets and epoll event loops.
///
/// One loop per core, each a thread owning its connections: reads, parsing, handlers that answer
/// at once, and writes all happen on that thread, with no queue hop per request. Loop 0 also
/// accepts and deals new connections round-robin. Requests on a connection are handled one after
/// another, so pipelined requests are answered in order. Each loop checks its connections' idle
/// and read deadlines once a second.
///
/// `@unchecked Sendable`: the connection table is behind a mutex; `loops` and `acceptor` are
/// set by `start` before any loop runs and cleared by `shutdown` after they stop.
public final class HTTPServer: @unchecked Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var limits: HTTPLimits
        public var backlog: Int32 = 1024
        /// Event loop threads; 0 means one per core.
        public var eventLoops: Int = 0

        public init(host: String = "127.0.0.1", port: Int = 8080, limits: HTTPLimits = HTTPLimits()) {
            self.host = host
            self.port = port
            self.limits = limits
        }
    }

    public let configuration: Configuration
    let logger: Logger
    let handler: HTTPHandler
    let errorResponder: HTTPErrorResponder

    /// The open connections and how new ones are dealt, shared by the acceptor, the loops
    /// (which remove their closed connections) and `shutdown`.
    private struct Connections {
        var open: [UInt64: HTTPConnection] = [:]
        var nextID: UInt64 = 0
        var nextLoop = 0
        var isDraining = false
    }

    private let connections = Mutex(Connections())
    /// Set by `start` before any loop runs and cleared by `shutdown` after they stop: never
    /// touched concurrently (hence `@unchecked Sendable` above).
    private var loops: [EventLoop] = []
    private var acceptor: Acceptor?

    public init(configuration: Configuration, logger: Logger, errorResponder: @escaping HTTPErrorResponder, handler: @escaping HTTPHandler) {
        self.configuration = configuration
        self.logger = logger
        self.handler = handler
        self.errorResponder = errorResponder
    }

    public var connectionCount: Int { connections.withLock { $0.open.count } }

    /// Binds, listens and starts accepting. Returns the bound port (useful with port 0).
    @discardableResult
    public func start() throws -> Int {
        signal(SIGPIPE, SIG_IGN)
        let fd = try bindListeningSocket()
        let port = boundPort(fd)
        let count = configuration.eventLoops > 0 ? configuration.eventLoops : max(1, min(ProcessInfo.processInfo.activeProcessorCount, 16))
        do {
            loops = try (0..<count).map { try EventLoop(index: $0) }
        } catch {
            SocketOS.closeSocket(fd)
            throw error
        }
        let acceptor = Acceptor(fd: fd, server: self, loop: loops[0])
        self.acceptor = acceptor
        loops[0].execute { acceptor.start() }
        for loop in loops { loop.start() }
        return port
    }

    private func bindListeningSocket() throws -> Int32 {
        let resolved = try SocketOS.withAddress(host: configuration.host, port: configuration.port, passive: true) { info in
            try bindListeningSocket(info)
        }
        switch resolved {
        case .success(let fd): return fd
        case .failure(let error): throw HTTPServerError.bind(error.description)
        }
    }

    private func bindListeningSocket(_ address: addrinfo) throws -> Int32 {
        let fd = socket(address.ai_family, address.ai_socktype, address.ai_protocol)
        guard fd >= 0 else { throw HTTPServerError.bind("socket(): \(SocketOS.errorText(errno))") }
        var one: Int32 = 1
        // Lets a restarted emulator bind its port at once instead of waiting out TIME_WAIT.
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard bind(fd, address.ai_addr, address.ai_addrlen) == 0 else {
            let code = errno
            SocketOS.closeSocket(fd)
            throw HTTPServerError.bind("cannot listen on \(configuration.host):\(configuration.port): \(SocketOS.errorText(code))")
        }
        guard listen(fd, configuration.backlog) == 0 else {
            let code = errno
            SocketOS.closeSocket(fd)
            throw HTTPServerError.bind("listen(): \(SocketOS.errorText(code))")
        }
        SocketOS.setNonBlocking(fd)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return fd
    }

    private func boundPort(_ fd: Int32) -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard ok == 0 else { return configuration.port }
        if Int32(storage.ss_family) == AF_INET6 {
            return withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) } }
        }
        return withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) } }
    }

    /// A new connection from the acceptor (on loop 0): deal it to the next loop, or refuse it.
    func adopt(_ fd: Int32, from acceptingLoop: EventLoop) {
        let loops = self.loops
        let (connection, loop, draining): (HTTPConnection?, EventLoop, Bool) = connections.withLock { state in
            let overloaded = state.open.count >= configuration.limits.maxConnections || state.isDraining
            state.nextID += 1
            let loop = loops[state.nextLoop % loops.count]
            state.nextLoop &+= 1
            guard !overloaded else { return (nil, loop, state.isDraining) }
            let connection = HTTPConnection(id: state.nextID, fd: fd, server: self, loop: loop)
            state.open[state.nextID] = connection
            return (connection, loop, state.isDraining)
        }
        guard let connection else { refuse(fd, draining: draining); return }
        if loop === acceptingLoop { connection.start() } else { loop.execute { connection.start() } }
    }

    /// Answers 503 to a connection over the limit, best effort and without blocking, then closes.
    private func refuse(_ fd: Int32, draining: Bool) {
        var response = errorResponder(503, draining ? "the server is shutting down" : "too many open connections (limit \(configuration.limits.maxConnections))", nil)
        response.closeConnection = true
        let bytes = response.serialized(keepAlive: false, date: HTTPDate.shared.now())
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, SocketOS.sendFlags) }
        // Shut the write side and drain what the client sent before closing, so the kernel does
        // not answer its unread request with an RST that would destroy the 503.
        _ = Glibc.shutdown(fd, Int32(SHUT_WR))
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(500)) {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while read(fd, &buffer, buffer.count) > 0 {}
            SocketOS.closeSocket(fd)
        }
    }

    func remove(_ connection: HTTPConnection) {
        _ = connections.withLock { $0.open.removeValue(forKey: connection.id) }
    }

    private func eachConnection(_ body: @escaping (HTTPConnection) -> Void) {
        let snapshot = connections.withLock { Array($0.open.values) }
        for connection in snapshot { connection.loop.execute { body(connection) } }
    }

    /// Stops accepting, lets in-flight requests finish (up to `timeout` seconds), closes the rest,
    /// then stops the event loops. Blocks the caller until done; not for a loop's own thread.
    public func shutdown(timeout: Double = 10) {
        guard let acceptor, let first = loops.first else { return }
        connections.withLock { $0.isDraining = true }
        let closed = DispatchSemaphore(value: 0)
        first.execute {
            acceptor.close()
            closed.signal()
        }
        _ = closed.wait(timeout: .now() + 2)
        eachConnection { $0.drain() }
        let deadline = Date().addingTimeInterval(timeout)
        while connectionCount > 0 && Date() < deadline { usleep(5_000) }
        eachConnection { $0.close() }
        let hardDeadline = Date().addingTimeInterval(1)
        while connectionCount > 0 && Date() < hardDeadline { usleep(5_000) }
        for loop in loops { loop.stop(timeout: 2) }
        self.acceptor = nil
    }
}

/// The listening socket, on loop 0.
final class Acceptor: EventLoopChannel {
    private static let token: UInt64 = 0
    let fd: Int32
    unowned let server: HTTPServer
    let loop: EventLoop
    private var paused = false
    private var closed = false

    init(fd: Int32, server: HTTPServer, loop: EventLoop) {
        self.fd = fd
        self.server = server
        self.loop = loop
    }

    func start() {
        if !loop.register(self, token: Self.token, fd: fd, events: EventLoop.readable) {
            server.logger.error("cannot watch the listening socket", metadata: ["error": "\(SocketOS.errorText(errno))"])
        }
    }

    func handle(events: UInt32) {
        while !closed && !paused {
            let fd = accept(self.fd, nil, nil)
            if fd < 0 {
                let code = errno
                if code == EAGAIN || code == EWOULDBLOCK { return }
                if code == EINTR || code == ECONNABORTED { continue }
                if code == EMFILE || code == ENFILE || code == ENOBUFS || code == ENOMEM {
                    // Out of descriptors: stop watching for 100 ms instead of spinning;
                    // connections wait in the backlog and are taken once others close.
                    server.logger.warning("accept failed, pausing 100 ms", metadata: ["error": "\(SocketOS.errorText(code))"])
                    pause()
                    return
                }
                server.logger.error("accept failed", metadata: ["error": "\(SocketOS.errorText(code))"])
                return
            }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            SocketOS.configureAccepted(fd)
            server.adopt(fd, from: loop)
        }
    }

    func tick(now: UInt64) {}

    private func pause() {
        paused = true
        loop.modify(token: Self.token, fd: fd, events: 0)
        loop.schedule(afterMilliseconds: 100) { [self] in
            guard paused, !closed else { return }
            paused = false
            loop.modify(token: Self.token, fd: fd, events: EventLoop.readable)
        }
    }

    func close() {
        guard !closed else { return }
        closed = true
        loop.deregister(token: Self.token, fd: fd)
        SocketOS.closeSocket(fd)
    }
}

public enum HTTPServerError: Error, CustomStringConvertible {
    case bind(String)
    public var description: String {
        switch self {
        case .bind(let message): return message
        }
    }
}
