#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation
import Logging

/// What a handler learns about a request besides the request itself.
public struct HTTPRequestContext: Sendable {
    /// When the last byte of the request arrived, in monotonic nanoseconds.
    public var receivedAt: UInt64
    public var connectionID: UInt64
}

/// Handlers answer through `respond`, at once or later (for injected latency); exactly once.
public typealias HTTPHandler = @Sendable (HTTPRequest, HTTPRequestContext, @escaping @Sendable (HTTPResponse) -> Void) -> Void

/// Builds the body of an error the server itself answers (parse failures, timeouts, overload),
/// so the product decides the error shape and this layer stays ignorant of it.
public typealias HTTPErrorResponder = @Sendable (_ status: Int, _ message: String) -> HTTPResponse

/// An HTTP/1.1 server on non-blocking POSIX sockets driven by Dispatch sources.
///
/// One accept source; per connection a serial queue owning a read source, a write source when a
/// response does not fit the socket buffer, and an incremental parser. Requests on a connection
/// are handled one after another, so pipelined requests are answered in order. A sweeper checks
/// idle and read deadlines once a second.
public final class HTTPServer: @unchecked Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var limits: HTTPLimits
        public var backlog: Int32 = 1024

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

    private let lock = NSLock()
    private var connections: [UInt64: HTTPConnection] = [:]
    private var nextConnectionID: UInt64 = 0
    private var listenFD: Int32 = -1
    private var acceptSource: DispatchSourceRead?
    private var sweeper: DispatchSourceTimer?
    private var acceptPaused = false
    private let acceptQueue = DispatchQueue(label: "http.accept")
    let connectionTargetQueue = DispatchQueue(label: "http.connections", qos: .userInitiated, attributes: .concurrent)
    private(set) var isDraining = false

    public init(configuration: Configuration, logger: Logger, errorResponder: @escaping HTTPErrorResponder, handler: @escaping HTTPHandler) {
        self.configuration = configuration
        self.logger = logger
        self.handler = handler
        self.errorResponder = errorResponder
    }

    public var connectionCount: Int { lock.lock(); defer { lock.unlock() }; return connections.count }

    /// Binds, listens and starts accepting. Returns the bound port (useful with port 0).
    @discardableResult
    public func start() throws -> Int {
        signal(SIGPIPE, SIG_IGN)
        let fd = try bindListeningSocket()
        listenFD = fd
        let port = boundPort(fd)
        let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: acceptQueue)
        source.setEventHandler { [weak self] in self?.acceptPending() }
        acceptSource = source
        source.resume()

        let timer = DispatchSource.makeTimerSource(queue: acceptQueue)
        timer.schedule(deadline: .now() + 1, repeating: 1.0, leeway: .milliseconds(200))
        timer.setEventHandler { [weak self] in self?.sweep() }
        sweeper = timer
        timer.resume()
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

    private func acceptPending() {
        while true {
            let fd = accept(listenFD, nil, nil)
            if fd < 0 {
                let code = errno
                if code == EAGAIN || code == EWOULDBLOCK { return }
                if code == EINTR || code == ECONNABORTED { continue }
                if code == EMFILE || code == ENFILE || code == ENOBUFS || code == ENOMEM {
                    // Out of descriptors: pause accepting briefly instead of spinning; connections
                    // wait in the backlog and are taken once others close.
                    logger.warning("accept failed, pausing 100 ms", metadata: ["error": "\(SocketOS.errorText(code))"])
                    pauseAccepting()
                    return
                }
                logger.error("accept failed", metadata: ["error": "\(SocketOS.errorText(code))"])
                return
            }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            SocketOS.configureAccepted(fd)
            lock.lock()
            let overloaded = connections.count >= configuration.limits.maxConnections || isDraining
            nextConnectionID += 1
            let id = nextConnectionID
            lock.unlock()
            if overloaded {
                refuse(fd)
                continue
            }
            let connection = HTTPConnection(id: id, fd: fd, server: self)
            lock.lock()
            connections[id] = connection
            lock.unlock()
            connection.start()
        }
    }

    private func pauseAccepting() {
        guard !acceptPaused, let source = acceptSource else { return }
        acceptPaused = true
        source.suspend()
        acceptQueue.asyncAfter(deadline: .now() + .milliseconds(100)) { [weak self] in
            guard let self, self.acceptPaused else { return }
            self.acceptPaused = false
            self.acceptSource?.resume()
        }
    }

    /// Answers 503 to a connection over the limit, best effort and without blocking, then closes.
    private func refuse(_ fd: Int32) {
        var response = errorResponder(503, isDraining ? "the server is shutting down" : "too many open connections (limit \(configuration.limits.maxConnections))")
        response.closeConnection = true
        let bytes = response.serialized(keepAlive: false, date: HTTPDate.shared.now())
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, SocketOS.sendFlags) }
        // Shut the write side and drain what the client sent before closing, so the kernel does
        // not answer its unread request with an RST that would destroy the 503.
        _ = Glibc.shutdown(fd, Int32(SHUT_WR))
        acceptQueue.asyncAfter(deadline: .now() + .milliseconds(500)) {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while read(fd, &buffer, buffer.count) > 0 {}
            SocketOS.closeSocket(fd)
        }
    }

    func remove(_ connection: HTTPConnection) {
        lock.lock()
        connections[connection.id] = nil
        lock.unlock()
    }

    private func sweep() {
        lock.lock()
        let snapshot = Array(connections.values)
        lock.unlock()
        for connection in snapshot { connection.checkDeadlines() }
    }

    /// Stops accepting, lets in-flight requests finish (up to `timeout` seconds), closes the rest.
    /// Blocks the caller until done.
    public func shutdown(timeout: Double = 10) {
        acceptQueue.sync {
            isDraining = true
            if acceptPaused { acceptPaused = false; acceptSource?.resume() }
            acceptSource?.cancel()
            acceptSource = nil
            sweeper?.cancel()
            sweeper = nil
            if listenFD >= 0 { SocketOS.closeSocket(listenFD); listenFD = -1 }
        }
        lock.lock()
        let snapshot = Array(connections.values)
        lock.unlock()
        for connection in snapshot { connection.drain() }
        let deadline = Date().addingTimeInterval(timeout)
        while connectionCount > 0 && Date() < deadline { usleep(5_000) }
        lock.lock()
        let remaining = Array(connections.values)
        lock.unlock()
        for connection in remaining { connection.forceClose() }
        let hardDeadline = Date().addingTimeInterval(1)
        while connectionCount > 0 && Date() < hardDeadline { usleep(5_000) }
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
