#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation

/// One client connection. Every member is touched only on `queue`.
final class HTTPConnection: @unchecked Sendable {
    let id: UInt64
    let fd: Int32
    unowned let server: HTTPServer
    let queue: DispatchQueue
    private var parser: HTTPRequestParser
    private var readSource: DispatchSourceRead?
    private var writeSource: DispatchSourceWrite?
    private var writeSourceSuspended = true
    private var readSuspended = false
    private var pendingWrite: [UInt8] = []
    private var pendingWriteOffset = 0
    private var inFlight = false
    private var closeAfterWrite = false
    private var peerClosed = false
    private var closed = false
    private var draining = false
    private var sourcesAlive = 0
    /// Monotonic nanoseconds of the last useful activity and of the current request's first byte.
    private var lastActivity: UInt64
    private var requestStart: UInt64 = 0
    private var writeStalledSince: UInt64 = 0
    /// After a final response: write side shut, input drained until EOF or this deadline.
    private var lingerDeadline: UInt64?

    init(id: UInt64, fd: Int32, server: HTTPServer) {
        self.id = id
        self.fd = fd
        self.server = server
        self.queue = DispatchQueue(label: "http.connection", target: server.connectionTargetQueue)
        self.parser = HTTPRequestParser(limits: server.configuration.limits)
        self.lastActivity = DispatchTime.now().uptimeNanoseconds
    }

    func start() {
        queue.async { [self] in
            let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
            source.setEventHandler { [self] in onReadable() }
            source.setCancelHandler { [self] in sourceCancelled() }
            sourcesAlive += 1
            readSource = source
            source.resume()
        }
    }

    // MARK: Reading

    private func onReadable() {
        guard !closed else { return }
        if lingerDeadline != nil { drainWhileLingering(); return }
        var gotBytes = false
        let chunk = 64 * 1024
        readLoop: while true {
            let count = withUnsafeTemporaryAllocation(byteCount: chunk, alignment: 16) { buffer -> Int in
                let n = read(fd, buffer.baseAddress, chunk)
                if n > 0 {
                    if parser.isIdle { requestStart = DispatchTime.now().uptimeNanoseconds }
                    parser.append(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                }
                return n
            }
            if count > 0 {
                gotBytes = true
                if count < chunk { break readLoop }
                // Bound what one connection may buffer while a request is being handled.
                if inFlight && parser.bufferedCount > server.configuration.limits.maxHeaderBytes + server.configuration.limits.maxBodyBytes {
                    suspendReading()
                    break readLoop
                }
                continue
            }
            if count == 0 { peerClosed = true; break readLoop }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { break readLoop }
            close()
            return
        }
        if gotBytes { lastActivity = DispatchTime.now().uptimeNanoseconds }
        if peerClosed {
            // Nothing more will arrive. Finish what is buffered; close once idle.
            suspendReading()
        }
        processBuffered()
    }

    private func suspendReading() {
        guard !readSuspended, let source = readSource else { return }
        readSuspended = true
        source.suspend()
    }

    private func resumeReading() {
        guard readSuspended, !peerClosed, let source = readSource else { return }
        readSuspended = false
        source.resume()
    }

    /// Parses and handles buffered requests one at a time, in order.
    private func processBuffered() {
        while !inFlight && !closed && !closeAfterWrite {
            switch parser.next() {
            case .needMore:
                if peerClosed && pendingWrite.isEmpty { close() }
                if !closed { resumeReading() }
                return
            case .sendContinue:
                write(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
            case .failure(let error):
                var response = server.errorResponder(error.status, error.message)
                response.closeConnection = true
                send(response, keepAlive: false, isHead: false)
            case .request(let head, let body):
                inFlight = true
                let request = head.makeRequest(body: body)
                let keepAlive = request.wantsKeepAlive && !draining
                let isHead = request.method == "HEAD"
                let context = HTTPRequestContext(receivedAt: DispatchTime.now().uptimeNanoseconds, connectionID: id)
                // Most handlers answer before they return: take that answer here, on this queue,
                // instead of paying a queue hop per request. A later answer (injected latency)
                // comes back through the queue.
                let slot = ResponseSlot()
                server.handler(request, context) { [self] response in
                    if slot.offer(response) { return }
                    queue.async { [self] in finish(response, keepAlive: keepAlive, isHead: isHead) }
                }
                if let response = slot.close() {
                    // Answered synchronously: write it and loop on to the next pipelined request
                    // (a loop, not a recursion, however long the pipeline).
                    inFlight = false
                    send(response, keepAlive: keepAlive && !draining, isHead: isHead)
                    requestStart = DispatchTime.now().uptimeNanoseconds
                    lastActivity = requestStart
                }
            }
        }
    }

    /// The answer to the request in flight: write it, then go on with pipelined requests.
    private func finish(_ response: HTTPResponse, keepAlive: Bool, isHead: Bool) {
        inFlight = false
        send(response, keepAlive: keepAlive && !draining, isHead: isHead)
        requestStart = DispatchTime.now().uptimeNanoseconds
        lastActivity = requestStart
        if !closed && !closeAfterWrite {
            processBuffered()
            if !closed && !inFlight { resumeReading() }
        }
    }

    private func send(_ response: HTTPResponse, keepAlive: Bool, isHead: Bool) {
        guard !closed else { return }
        if response.drop { close(); return }
        let keep = keepAlive && !response.closeConnection
        if !keep { closeAfterWrite = true }
        write(response.serialized(keepAlive: keep, date: HTTPDate.shared.now(), isHead: isHead))
    }

    // MARK: Writing

    private func write(_ bytes: [UInt8]) {
        guard !closed else { return }
        if !pendingWrite.isEmpty {
            pendingWrite.append(contentsOf: bytes)
            return
        }
        let written = writeNow(bytes, from: 0)
        if written < 0 { close(); return }
        if written < bytes.count {
            pendingWrite = bytes
            pendingWriteOffset = written
            waitForWritable()
        } else if closeAfterWrite {
            lingerThenClose()
        }
    }

    /// Writes as much as the socket takes; returns the new offset, or -1 on a fatal error.
    private func writeNow(_ bytes: [UInt8], from start: Int) -> Int {
        var offset = start
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, SocketOS.sendFlags)
            }
            if n > 0 { offset += n; continue }
            let code = errno
            if n < 0 && code == EINTR { continue }
            if n < 0 && (code == EAGAIN || code == EWOULDBLOCK) { return offset }
            return -1
        }
        return offset
    }

    private func waitForWritable() {
        writeStalledSince = DispatchTime.now().uptimeNanoseconds
        if writeSource == nil {
            let source = DispatchSource.makeWriteSource(fileDescriptor: fd, queue: queue)
            source.setEventHandler { [self] in onWritable() }
            source.setCancelHandler { [self] in sourceCancelled() }
            sourcesAlive += 1
            writeSource = source
        }
        if writeSourceSuspended {
            writeSourceSuspended = false
            writeSource?.resume()
        }
    }

    private func onWritable() {
        guard !closed else { return }
        let offset = writeNow(pendingWrite, from: pendingWriteOffset)
        if offset < 0 { close(); return }
        pendingWriteOffset = offset
        lastActivity = DispatchTime.now().uptimeNanoseconds
        writeStalledSince = lastActivity
        guard offset == pendingWrite.count else { return }
        pendingWrite = []
        pendingWriteOffset = 0
        if !writeSourceSuspended {
            writeSourceSuspended = true
            writeSource?.suspend()
        }
        if closeAfterWrite { lingerThenClose(); return }
        processBuffered()
    }

    /// Closing a socket with unread input makes the kernel answer RST, which can destroy the
    /// response before the client reads it (a 408 to a client still sending, a 413 to a client
    /// mid-upload). So: shut the write side, discard input until EOF or two seconds, then close.
    private func lingerThenClose() {
        guard !closed, lingerDeadline == nil else { return }
        if peerClosed { close(); return }
        shutdown(fd, Int32(SHUT_WR))
        lingerDeadline = DispatchTime.now().uptimeNanoseconds + 2_000_000_000
        if readSuspended, let source = readSource {
            readSuspended = false
            source.resume()
        }
    }

    private func drainWhileLingering() {
        while true {
            let n = withUnsafeTemporaryAllocation(byteCount: 16 * 1024, alignment: 16) { read(fd, $0.baseAddress, 16 * 1024) }
            if n > 0 { continue }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return }
            close()
            return
        }
    }

    // MARK: Deadlines and closing

    func checkDeadlines() {
        queue.async { [self] in
            guard !closed else { return }
            // Read the clock here, on the connection's queue: a time taken before the hop can be
            // older than a request that started meanwhile, and the unsigned difference would wrap.
            let now = DispatchTime.now().uptimeNanoseconds
            if let deadline = lingerDeadline {
                if now >= deadline { close() }
                return
            }
            let limits = server.configuration.limits
            if !pendingWrite.isEmpty {
                // A client that stops reading its response is cut off after the read timeout.
                if Double(now &- writeStalledSince) / 1e9 > limits.readTimeout { close() }
                return
            }
            if inFlight { return }
            if parser.isIdle {
                if draining || Double(now &- lastActivity) / 1e9 > limits.idleTimeout { close() }
            } else if Double(now &- requestStart) / 1e9 > limits.readTimeout {
                var response = server.errorResponder(408, "request not received within \(limits.readTimeout) seconds")
                response.closeConnection = true
                send(response, keepAlive: false, isHead: false)
            }
        }
    }

    /// Server shutdown: idle connections close now, busy ones after their current response.
    func drain() {
        queue.async { [self] in
            draining = true
            if !inFlight && pendingWrite.isEmpty && parser.isIdle { close() }
        }
    }

    func forceClose() { queue.async { [self] in close() } }

    private func close() {
        guard !closed else { return }
        closed = true
        if let source = writeSource {
            if writeSourceSuspended { writeSourceSuspended = false; source.resume() }
            source.cancel()
        }
        if let source = readSource {
            if readSuspended { readSuspended = false; source.resume() }
            source.cancel()
        }
        if sourcesAlive == 0 { finishClose() }
    }

    /// The descriptor is closed only after every Dispatch source on it is cancelled, so a reused
    /// descriptor number can never receive another connection's events.
    private func sourceCancelled() {
        sourcesAlive -= 1
        if sourcesAlive == 0 && closed { finishClose() }
    }

    private func finishClose() {
        SocketOS.closeSocket(fd)
        readSource = nil
        writeSource = nil
        server.remove(self)
    }
}

/// Where a handler's answer lands while the handler is still running on the connection's queue.
/// `offer` keeps it if the handler has not returned yet (`close` then picks it up); afterwards it
/// refuses, and the answer travels through the queue.
final class ResponseSlot: @unchecked Sendable {
    private let lock = NSLock()
    private var open = true
    private var response: HTTPResponse?

    func offer(_ response: HTTPResponse) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard open else { return false }
        self.response = response
        return true
    }

    func close() -> HTTPResponse? {
        lock.lock()
        defer { lock.unlock() }
        open = false
        return response
    }
}
