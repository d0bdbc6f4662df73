#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation
import Synchronization

/// One client connection, owned by one event loop: every member is touched only on its thread.
///
/// What epoll watches follows from the state (`refreshInterest`): input unless the peer has
/// closed or too much is buffered, output while a response is only partly written.
///
/// `@unchecked Sendable`: the connection is confined to its event loop. Every mutable field is
/// read and written on that loop's thread only; other threads (the handler pool answering a
/// request) reach it solely through `loop.execute`, which runs the closure on the loop.
final class HTTPConnection: EventLoopChannel, @unchecked Sendable {
    let id: UInt64
    let fd: Int32
    unowned let server: HTTPServer
    let loop: EventLoop
    private var parser: HTTPRequestParser
    private var interest: UInt32 = 0
    private var pendingWrite: [UInt8] = []
    private var pendingWriteOffset = 0
    private var inFlight = false
    private var closeAfterWrite = false
    private var peerClosed = false
    private var closed = false
    private var draining = false
    /// Monotonic nanoseconds of the last useful activity and of the current request's first byte.
    private var lastActivity: UInt64
    private var requestStart: UInt64 = 0
    private var writeStalledSince: UInt64 = 0
    /// After a final response: write side shut, input drained until EOF or this deadline.
    private var lingerDeadline: UInt64?
    /// Shared with the handlers of this connection's requests.
    private let presence = ClientPresence()
    /// Responses a client has not read yet, beyond which its further requests wait unread.
    static let maxPendingWrite = 1 << 20

    init(id: UInt64, fd: Int32, server: HTTPServer, loop: EventLoop) {
        self.id = id
        self.fd = fd
        self.server = server
        self.loop = loop
        self.parser = HTTPRequestParser(limits: server.configuration.limits)
        self.lastActivity = DispatchTime.now().uptimeNanoseconds
    }

    /// On the loop's thread.
    func start() {
        interest = EventLoop.readable
        guard loop.register(self, token: id, fd: fd, events: interest) else {
            closed = true
            SocketOS.closeSocket(fd)
            server.remove(self)
            return
        }
    }

    private var pendingBytes: Int { pendingWrite.count - pendingWriteOffset }

    func handle(events: UInt32) {
        guard !closed else { return }
        if events & EventLoop.writable != 0 && pendingBytes > 0 { onWritable() }
        if !closed && events & (EventLoop.readable | EventLoop.failed) != 0 { onReadable() }
        // Error or hang-up: the peer reset, or both directions are shut. Nothing more can be
        // written, and epoll would report it again on every round.
        if !closed && events & EventLoop.failed != 0 { close() }
        refreshInterest()
    }

    private func refreshInterest() {
        guard !closed else { return }
        var wanted: UInt32 = 0
        if pendingBytes > 0 { wanted |= EventLoop.writable }
        if lingerDeadline != nil {
            wanted |= EventLoop.readable
        } else if !peerClosed && pendingBytes <= Self.maxPendingWrite
                    && !(inFlight && parser.bufferedCount > readAheadLimit) {
            wanted |= EventLoop.readable
        }
        if wanted != interest {
            interest = wanted
            loop.modify(token: id, fd: fd, events: wanted)
        }
    }

    /// Bounds what one connection may buffer while a request is being handled.
    private var readAheadLimit: Int { server.configuration.limits.maxHeaderBytes + server.configuration.limits.maxBodyBytes }

    // MARK: Reading

    private func onReadable() {
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
                if inFlight && parser.bufferedCount > readAheadLimit { break readLoop }
                if pendingBytes > Self.maxPendingWrite { break readLoop }
                continue
            }
            if count == 0 {
                peerClosed = true
                presence.markClosed()
                break readLoop
            }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { break readLoop }
            close()
            return
        }
        if gotBytes { lastActivity = DispatchTime.now().uptimeNanoseconds }
        processBuffered()
    }

    /// Parses and handles buffered requests one at a time, in order.
    private func processBuffered() {
        while !inFlight && !closed && !closeAfterWrite && pendingBytes <= Self.maxPendingWrite {
            switch parser.next() {
            case .needMore:
                // Nothing more will arrive: close once every answer is written.
                if peerClosed && pendingBytes == 0 { close() }
                return
            case .sendContinue:
                write(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
            case .failure(let error):
                var response = server.errorResponder(error.status, error.message, error.head)
                response.closeConnection = true
                send(response, keepAlive: false, isHead: false)
            case .request(let head, let body):
                inFlight = true
                let request = head.makeRequest(body: body)
                let keepAlive = request.wantsKeepAlive && !draining
                let isHead = request.method == "HEAD"
                let context = HTTPRequestContext(receivedAt: DispatchTime.now().uptimeNanoseconds, connectionID: id, client: presence)
                // Most handlers answer before they return: take that answer here instead of
                // paying a task hop per request. A later answer (work moved off the loop,
                // injected latency) comes back as a task on this connection's loop.
                let slot = ResponseSlot()
                server.handler(request, context) { [self] response in
                    if slot.offer(response) { return }
                    loop.execute { [self] in finish(response, keepAlive: keepAlive, isHead: isHead) }
                }
                if let response = slot.close() {
                    // Answered synchronously: write it and loop on to the next pipelined request
                    // (a loop, not a recursion, however long the pipeline).
                    complete(response, keepAlive: keepAlive, isHead: isHead)
                }
            }
        }
    }

    /// A later answer to the request in flight: write it, then go on with pipelined requests.
    private func finish(_ response: HTTPResponse, keepAlive: Bool, isHead: Bool) {
        guard !closed else { return }
        complete(response, keepAlive: keepAlive, isHead: isHead)
        processBuffered()
        refreshInterest()
    }

    /// Writes the answer to the request in flight; the next request's clock starts now. A delayed
    /// answer or a streamed body keeps the request in flight until its last byte is due.
    private func complete(_ response: HTTPResponse, keepAlive: Bool, isHead: Bool) {
        if response.delayMilliseconds > 0 && !response.drop {
            var later = response
            later.delayMilliseconds = 0
            let due = later
            after(milliseconds: response.delayMilliseconds) { [self] in finish(due, keepAlive: keepAlive, isHead: isHead) }
            return
        }
        if let stream = response.stream, !response.drop, !isHead, !closed {
            let keep = keepAlive && !draining && !response.closeConnection
            write(response.serialized(keepAlive: keep, date: HTTPDate.shared.now()))
            writeStream(stream, from: 0, keepAlive: keep, waited: false, nested: true)
            return
        }
        inFlight = false
        send(response, keepAlive: keepAlive && !draining, isHead: isHead)
        requestStart = DispatchTime.now().uptimeNanoseconds
        lastActivity = requestStart
    }

    private func send(_ response: HTTPResponse, keepAlive: Bool, isHead: Bool) {
        guard !closed else { return }
        if response.drop { close(); return }
        let keep = keepAlive && !response.closeConnection
        if !keep { closeAfterWrite = true }
        write(response.serialized(keepAlive: keep, date: HTTPDate.shared.now(), isHead: isHead))
    }

    // MARK: Streamed bodies

    /// Runs `body` on this connection's loop once `milliseconds` have passed: a timer of the
    /// loop itself (this runs on the loop thread), not a hop through a Dispatch queue.
    private func after(milliseconds: Int, _ body: @escaping () -> Void) {
        loop.schedule(afterMilliseconds: milliseconds, body)
    }

    /// Writes the parts of a streamed body from `index` on, each as one chunk flushed to the
    /// socket at once, pausing where a part asks to; then the terminating chunk, after which the
    /// next pipelined request may run. `nested`: called from within `processBuffered`, which
    /// goes on by itself once the request is no longer in flight.
    private func writeStream(_ stream: HTTPBodyStream, from index: Int, keepAlive: Bool, waited: Bool, nested: Bool) {
        guard !closed else { return }
        var position = index
        var waited = waited
        while position < stream.parts.count {
            let part = stream.parts[position]
            if part.delayMilliseconds > 0 && !waited {
                let next = position
                after(milliseconds: part.delayMilliseconds) { [self] in
                    writeStream(stream, from: next, keepAlive: keepAlive, waited: true, nested: false)
                }
                if !nested { refreshInterest() }
                return
            }
            waited = false
            write(HTTPBodyStream.chunk(part.bytes))
            if closed { return }
            lastActivity = DispatchTime.now().uptimeNanoseconds
            position += 1
        }
        if !keepAlive { closeAfterWrite = true }
        inFlight = false
        write(HTTPBodyStream.terminator)
        requestStart = DispatchTime.now().uptimeNanoseconds
        lastActivity = requestStart
        if !nested {
            processBuffered()
            refreshInterest()
        }
    }

    // MARK: Writing

    private func write(_ bytes: [UInt8]) {
        guard !closed else { return }
        if pendingBytes > 0 {
            if pendingWriteOffset > 0 {
                pendingWrite.removeFirst(pendingWriteOffset)
                pendingWriteOffset = 0
            }
            pendingWrite.append(contentsOf: bytes)
            return
        }
        let written = writeNow(bytes, from: 0)
        if written < 0 { close(); return }
        if written < bytes.count {
            pendingWrite = bytes
            pendingWriteOffset = written
            writeStalledSince = DispatchTime.now().uptimeNanoseconds
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

    private func onWritable() {
        let offset = writeNow(pendingWrite, from: pendingWriteOffset)
        if offset < 0 { close(); return }
        pendingWriteOffset = offset
        lastActivity = DispatchTime.now().uptimeNanoseconds
        writeStalledSince = lastActivity
        if offset == pendingWrite.count {
            pendingWrite = []
            pendingWriteOffset = 0
            if closeAfterWrite { lingerThenClose(); return }
        }
        if pendingBytes <= Self.maxPendingWrite { processBuffered() }
    }

    /// Closing a socket with unread input makes the kernel answer RST, which can destroy the
    /// response before the client reads it (a 408 to a client still sending, a 413 to a client
    /// mid-upload). So: shut the write side, discard input until EOF or two seconds, then close.
    private func lingerThenClose() {
        guard !closed, lingerDeadline == nil else { return }
        if peerClosed { close(); return }
        shutdown(fd, Int32(SHUT_WR))
        lingerDeadline = DispatchTime.now().uptimeNanoseconds + 2_000_000_000
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

    /// Once a second, from the loop.
    func tick(now: UInt64) {
        guard !closed else { return }
        defer { refreshInterest() }
        if let deadline = lingerDeadline {
            if now >= deadline { close() }
            return
        }
        let limits = server.configuration.limits
        if pendingBytes > 0 {
            // A client that stops reading its response is cut off after the read timeout.
            if Double(now &- writeStalledSince) / 1e9 > limits.readTimeout { close() }
            return
        }
        if inFlight { return }
        if parser.isIdle {
            if draining || Double(now &- lastActivity) / 1e9 > limits.idleTimeout { close() }
        } else if Double(now &- requestStart) / 1e9 > limits.readTimeout {
            var response = server.errorResponder(408, "request not received within \(limits.readTimeout) seconds", nil)
            response.closeConnection = true
            send(response, keepAlive: false, isHead: false)
        }
    }

    /// Server shutdown: idle connections close now, busy ones after their current response.
    /// On the loop's thread.
    func drain() {
        guard !closed else { return }
        draining = true
        if !inFlight && pendingBytes == 0 && parser.isIdle { close() }
    }

    /// On the loop's thread.
    func close() {
        guard !closed else { return }
        closed = true
        presence.markClosed()
        loop.deregister(token: id, fd: fd)
        SocketOS.closeSocket(fd)
        pendingWrite = []
        server.remove(self)
    }
}

/// Where a handler's answer lands while the handler is still running on the connection's loop.
/// `offer` keeps it if the handler has not returned yet (`close` then picks it up); afterwards it
/// refuses, and the answer travels to the loop as a task.
final class ResponseSlot: Sendable {
    private struct State {
        var open = true
        var response: HTTPResponse?
    }

    private let state = Mutex(State())

    func offer(_ response: HTTPResponse) -> Bool {
        state.withLock { state in
            guard state.open else { return false }
            state.response = response
            return true
        }
    }

    func close() -> HTTPResponse? {
        state.withLock { state in
            state.open = false
            return state.response
        }
    }
}
