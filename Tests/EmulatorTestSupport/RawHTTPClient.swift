#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// `send(2)`, named apart from `RawHTTPClient.send`.
private func systemSend(_ fd: Int32, _ pointer: UnsafeRawPointer, _ count: Int, _ flags: Int32) -> Int {
    #if canImport(Glibc)
    return Glibc.send(fd, pointer, count, flags)
    #else
    return Darwin.send(fd, pointer, count, flags)
    #endif
}

/// A blocking TCP client that writes raw bytes and parses raw HTTP/1.1 responses, so tests can
/// send exactly what they mean (pipelining, half requests, malformed heads) and see exactly
/// what the server wrote (interim responses, `Connection: close`, the socket closing).
/// Every read is bounded by a deadline polled with `poll(2)`; nothing sleeps.
public final class RawHTTPClient {
    public struct Response {
        public var status: Int
        public var reason: String
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]

        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    public enum ClientError: Error, CustomStringConvertible {
        case connect(Int32), timeout(String), closed(String), malformed(String)
        public var description: String {
            switch self {
            case .connect(let code): return "connect failed: \(String(cString: strerror(code)))"
            case .timeout(let what): return "timed out waiting for \(what)"
            case .closed(let what): return "connection closed while waiting for \(what)"
            case .malformed(let what): return "malformed response: \(what)"
            }
        }
    }

    public let fd: Int32
    private var buffer: [UInt8] = []
    private(set) var sawEOF = false

    /// Connects to 127.0.0.1:`port`.
    public init(port: Int) throws {
        fd = socket(AF_INET, Self.streamType, 0)
        guard fd >= 0 else { throw ClientError.connect(errno) }
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            throw ClientError.connect(code)
        }
    }

    private var isConnected = true

    deinit { disconnect() }

    /// Closes the socket, as a client does once it has read its last response.
    public func disconnect() {
        guard isConnected else { return }
        isConnected = false
        close(fd)
    }

    #if os(Linux)
    static let streamType = Int32(SOCK_STREAM.rawValue)
    static let sendFlags = Int32(MSG_NOSIGNAL)
    #else
    static let streamType = SOCK_STREAM
    static let sendFlags: Int32 = 0
    #endif

    /// Shuts the write side: the server reads end-of-stream, as from a client that hung up.
    public func closeWrite() {
        _ = shutdown(fd, Int32(SHUT_WR))
    }

    public func send(_ text: String) throws { try send(Array(text.utf8)) }

    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                systemSend(fd, raw.baseAddress! + offset, raw.count - offset, Self.sendFlags)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw ClientError.closed("send (\(String(cString: strerror(errno))))")
            }
            offset += n
        }
    }

    /// Sends what the socket takes within `waitMilliseconds` of it becoming unwritable; returns
    /// the bytes sent, or nil if the socket stayed full (or failed) for that long.
    public func sendWithoutBlocking(_ bytes: [UInt8], waitMilliseconds: Int32) -> Int? {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                systemSend(fd, raw.baseAddress! + offset, raw.count - offset, Self.sendFlags | Int32(MSG_DONTWAIT))
            }
            if n > 0 { offset += n; continue }
            if n < 0 && errno == EINTR { continue }
            guard n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) else { return nil }
            var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            if poll(&descriptor, 1, waitMilliseconds) <= 0 { return nil }
        }
        return offset
    }

    /// Reads more bytes into the buffer; false on EOF or reset. Throws when the deadline passes.
    @discardableResult
    private func fill(until deadline: Date, what: String) throws -> Bool {
        while true {
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { throw ClientError.timeout(what) }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(min(remaining * 1000, 1000).rounded(.up)))
            if ready < 0 {
                if errno == EINTR { continue }
                throw ClientError.closed(what)
            }
            if ready == 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                buffer.append(contentsOf: chunk[0..<n])
                return true
            }
            if n < 0 && errno == EINTR { continue }
            sawEOF = true
            return false
        }
    }

    /// Reads one response. `isHead`: the response to a HEAD request has no body. A chunked body
    /// is read whole unless `headOnly`, which leaves its chunks to `readChunk`.
    public func readResponse(isHead: Bool = false, timeout: TimeInterval = 5, headOnly: Bool = false) throws -> Response {
        let deadline = Date().addingTimeInterval(timeout)
        var headEnd: Int?
        while headEnd == nil {
            headEnd = Self.find([13, 10, 13, 10], in: buffer)
            if headEnd == nil {
                guard try fill(until: deadline, what: "a response head") else {
                    throw ClientError.closed("a response head (got \(String(decoding: buffer, as: UTF8.self).debugDescription))")
                }
            }
        }
        let head = String(decoding: buffer[0..<headEnd!], as: UTF8.self)
        buffer.removeFirst(headEnd! + 4)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw ClientError.malformed(statusLine)
        }
        var headers: [(String, String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { throw ClientError.malformed(line) }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        var response = Response(status: status, reason: parts.count > 2 ? String(parts[2]) : "", headers: headers, body: [])
        let hasBody = !isHead && status >= 200 && status != 204 && status != 304
        if hasBody, response.header("Transfer-Encoding")?.lowercased() == "chunked" {
            if headOnly { return response }
            while let chunk = try readChunk(timeout: deadline.timeIntervalSinceNow) { response.body += chunk }
            return response
        }
        if hasBody {
            guard let lengthText = response.header("Content-Length"), let length = Int(lengthText) else {
                throw ClientError.malformed("no Content-Length on a \(status)")
            }
            while buffer.count < length {
                guard try fill(until: deadline, what: "a \(length)-byte body") else { throw ClientError.closed("the body") }
            }
            response.body = Array(buffer[0..<length])
            buffer.removeFirst(length)
        }
        return response
    }

    /// The next chunk of a chunked body (RFC 9112 §7.1), or nil after the last (zero-length)
    /// chunk and its empty trailer section.
    public func readChunk(timeout: TimeInterval = 5) throws -> [UInt8]? {
        let deadline = Date().addingTimeInterval(max(timeout, 0.001))
        var lineEnd = Self.find([13, 10], in: buffer)
        while lineEnd == nil {
            guard try fill(until: deadline, what: "a chunk size") else { throw ClientError.closed("a chunk size") }
            lineEnd = Self.find([13, 10], in: buffer)
        }
        let sizeText = String(decoding: buffer[0..<lineEnd!], as: UTF8.self).split(separator: ";").first.map(String.init) ?? ""
        guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { throw ClientError.malformed("chunk size '\(sizeText)'") }
        buffer.removeFirst(lineEnd! + 2)
        while buffer.count < size + 2 {
            guard try fill(until: deadline, what: "a \(size)-byte chunk") else { throw ClientError.closed("a chunk") }
        }
        guard buffer[size] == 13, buffer[size + 1] == 10 else { throw ClientError.malformed("chunk not followed by CRLF") }
        let data = Array(buffer[0..<size])
        buffer.removeFirst(size + 2)
        return size == 0 ? nil : data
    }

    /// True when the server closes the connection (EOF or reset) before the deadline, having sent
    /// nothing more. Fails the wait (returns false) if bytes arrive or the deadline passes.
    public func waitForClose(timeout: TimeInterval = 5) -> Bool {
        if !buffer.isEmpty { return false }
        let deadline = Date().addingTimeInterval(timeout)
        do {
            let gotBytes = try fill(until: deadline, what: "the connection to close")
            return !gotBytes
        } catch {
            return false
        }
    }

    /// True when nothing arrives and the connection stays open for `interval` seconds.
    public func staysOpenAndSilent(for interval: TimeInterval) -> Bool {
        if !buffer.isEmpty { return false }
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, Int32(interval * 1000)) == 0
    }

    /// Bytes received but not yet consumed by `readResponse`.
    public var pending: [UInt8] { buffer }

    public static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<(start + needle.count)]) == needle { return start }
        }
        return nil
    }
}
