/// A request the parser refused: the status to answer, and why. The connection closes after it.
public struct HTTPParseError: Error, Equatable, Sendable {
    public let status: Int
    public let message: String
    /// The request's head, when the error concerns its body (a 413): the answer can then be
    /// shaped for the route (an OTLP receiver answers in its own error format).
    public var head: HTTPRequestHead?
    public init(status: Int, message: String, head: HTTPRequestHead? = nil) { self.status = status; self.message = message; self.head = head }
}

/// Incremental HTTP/1.1 request parser (RFC 9112), fed whatever bytes arrive.
///
/// It is strict where leniency enables request smuggling: CRLF line endings only, no obs-fold, no
/// white space before the colon, `Content-Length` and `Transfer-Encoding` never together,
/// conflicting lengths refused, chunk sizes bounded. Sizes are checked before bytes are kept, so a
/// 50 MB declared body is refused with 413 without reading it.
public struct HTTPRequestParser {
    public enum Event: Equatable {
        /// Nothing complete yet: read more.
        case needMore
        /// The client sent `Expect: 100-continue` and is waiting for this interim answer.
        case sendContinue
        case request(HTTPRequestHead, body: [UInt8])
        case failure(HTTPParseError)
    }

    enum State {
        case head
        case fixedBody(HTTPRequestHead, remaining: Int)
        case chunkSize(HTTPRequestHead)
        case chunkData(HTTPRequestHead, remaining: Int)
        case chunkDataEnd(HTTPRequestHead)
        case trailers(HTTPRequestHead, bytes: Int)
        case failed
    }

    public let limits: HTTPLimits
    private var buffer: [UInt8] = []
    private var offset = 0
    private var state: State = .head
    private var body: [UInt8] = []

    public init(limits: HTTPLimits) { self.limits = limits }

    /// True when no byte of a next request has arrived: the connection is idle, not mid-request.
    public var isIdle: Bool {
        if case .head = state { return offset == buffer.count }
        return false
    }

    /// Bytes received and not yet consumed.
    public var bufferedCount: Int { buffer.count - offset }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compactIfNeeded()
        buffer.append(contentsOf: bytes.bindMemory(to: UInt8.self))
    }

    public mutating func append(_ bytes: [UInt8]) {
        compactIfNeeded()
        buffer.append(contentsOf: bytes)
    }

    private mutating func compactIfNeeded() {
        if offset > 0 && (offset == buffer.count || offset > 64 * 1024) {
            buffer.removeSubrange(0..<offset)
            offset = 0
        }
    }

    /// Advances as far as the buffered bytes allow and reports what happened.
    public mutating func next() -> Event {
        while true {
            switch state {
            case .failed:
                return .needMore
            case .head:
                switch parseHead() {
                case .needMore: return .needMore
                case .failure(let error): state = .failed; return .failure(error)
                case .head(let head):
                    body = []
                    switch head.framing {
                    case .none:
                        return .request(head, body: [])
                    case .length(let length):
                        if length == 0 { return .request(head, body: []) }
                        state = .fixedBody(head, remaining: length)
                        body.reserveCapacity(length)
                    case .chunked:
                        state = .chunkSize(head)
                    }
                    if head.expectsContinue && offset == buffer.count {
                        return .sendContinue
                    }
                }
            case .fixedBody(let head, let remaining):
                let available = buffer.count - offset
                if available == 0 { return .needMore }
                let take = min(available, remaining)
                body.append(contentsOf: buffer[offset..<(offset + take)])
                offset += take
                if take == remaining {
                    state = .head
                    let finished = body
                    body = []
                    return .request(head, body: finished)
                }
                state = .fixedBody(head, remaining: remaining - take)
                return .needMore
            case .chunkSize(let head):
                guard let line = readLine(limit: 1024) else {
                    if buffer.count - offset > 1024 { return fail(400, "chunk size line too long") }
                    return .needMore
                }
                guard case .success(let text) = line else { return fail(400, "chunk size line must end with CRLF") }
                let sizePart = text.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
                guard !sizePart.isEmpty, sizePart.count <= 8, let size = Int(sizePart, radix: 16), size >= 0,
                      sizePart.allSatisfy({ $0.isHexDigit }) else {
                    return fail(400, "invalid chunk size")
                }
                if body.count + size > limits.maxBodyBytes {
                    return fail(413, "request body exceeds the limit of \(limits.maxBodyBytes) bytes", head: head)
                }
                state = size == 0 ? .trailers(head, bytes: 0) : .chunkData(head, remaining: size)
            case .chunkData(let head, let remaining):
                let available = buffer.count - offset
                if available == 0 { return .needMore }
                let take = min(available, remaining)
                body.append(contentsOf: buffer[offset..<(offset + take)])
                offset += take
                state = take == remaining ? .chunkDataEnd(head) : .chunkData(head, remaining: remaining - take)
                if take != remaining { return .needMore }
            case .chunkDataEnd(let head):
                if buffer.count - offset < 2 { return .needMore }
                guard buffer[offset] == 0x0D, buffer[offset + 1] == 0x0A else { return fail(400, "chunk data must end with CRLF") }
                offset += 2
                state = .chunkSize(head)
            case .trailers(let head, let bytes):
                guard let line = readLine(limit: limits.maxHeaderLineBytes) else {
                    if buffer.count - offset > limits.maxHeaderLineBytes { return fail(431, "trailer line too long") }
                    return .needMore
                }
                guard case .success(let text) = line else { return fail(400, "trailer line must end with CRLF") }
                if text.isEmpty {
                    state = .head
                    let finished = body
                    body = []
                    return .request(head, body: finished)
                }
                let total = bytes + text.utf8.count + 2
                if total > limits.maxHeaderBytes { return fail(431, "trailer section too large") }
                state = .trailers(head, bytes: total)
            }
        }
    }

    private mutating func fail(_ status: Int, _ message: String, head: HTTPRequestHead? = nil) -> Event {
        state = .failed
        return .failure(HTTPParseError(status: status, message: message, head: head))
    }

    enum LineResult { case success(String), bareLF }

    /// Reads one CRLF-terminated line of at most `limit` bytes; nil when incomplete.
    private mutating func readLine(limit: Int) -> LineResult? {
        var index = offset
        let end = min(buffer.count, offset + limit + 2)
        while index < end {
            if buffer[index] == 0x0A {
                if index == offset || buffer[index - 1] != 0x0D { return .bareLF }
                let line = String(decoding: buffer[offset..<(index - 1)], as: UTF8.self)
                offset = index + 1
                return .success(line)
            }
            index += 1
        }
        return nil
    }

    enum HeadResult { case needMore, head(HTTPRequestHead), failure(HTTPParseError) }

    private mutating func parseHead() -> HeadResult {
        // Tolerate empty lines before a request (RFC 9112 section 2.2).
        while buffer.count - offset >= 2, buffer[offset] == 0x0D, buffer[offset + 1] == 0x0A { offset += 2 }
        let headEnd = findHeadEnd()
        if case .bareLF = headEnd {
            return .failure(HTTPParseError(status: 400, message: "bare LF in request head: lines must end with CRLF"))
        }
        guard case .found(let end) = headEnd else {
            let pending = buffer.count - offset
            if let firstLF = buffer[offset...].firstIndex(of: 0x0A) {
                if firstLF - offset > limits.maxRequestLineBytes + 1 {
                    return .failure(HTTPParseError(status: 414, message: "request line longer than \(limits.maxRequestLineBytes) bytes"))
                }
            } else if pending > limits.maxRequestLineBytes {
                return .failure(HTTPParseError(status: 414, message: "request line longer than \(limits.maxRequestLineBytes) bytes"))
            }
            if pending > limits.maxHeaderBytes {
                return .failure(HTTPParseError(status: 431, message: "header section larger than \(limits.maxHeaderBytes) bytes"))
            }
            return .needMore
        }
        if end - offset > limits.maxHeaderBytes {
            return .failure(HTTPParseError(status: 431, message: "header section larger than \(limits.maxHeaderBytes) bytes"))
        }
        let headBytes = buffer[offset..<end]
        offset = end + 4
        do {
            return .head(try HTTPRequestHead.parse(headBytes, limits: limits))
        } catch let error as HTTPParseError {
            return .failure(error)
        } catch {
            return .failure(HTTPParseError(status: 400, message: "malformed request"))
        }
    }

    enum HeadEnd { case found(Int), bareLF, notFound }

    /// Finds the CRLFCRLF that ends the head. A LF without its CR is reported at once so the
    /// request is refused with 400 rather than left waiting for a terminator that never comes.
    private func findHeadEnd() -> HeadEnd {
        var index = offset
        let count = buffer.count
        while index < count {
            if buffer[index] == 0x0A {
                if index == offset || buffer[index - 1] != 0x0D { return .bareLF }
                if index - offset >= 3 && buffer[index - 2] == 0x0A && buffer[index - 3] == 0x0D {
                    return .found(index - 3)
                }
            }
            index += 1
        }
        return .notFound
    }
}

/// The request line and headers, with the body framing they imply.
public struct HTTPRequestHead: Equatable, Sendable {
    public enum Framing: Equatable, Sendable { case none, length(Int), chunked }

    public var method: String
    public var target: String
    public var versionMinor: Int
    public var headers: [HTTPField]
    public var framing: Framing
    public var expectsContinue: Bool

    public struct HTTPField: Equatable, Sendable {
        public var name: String
        public var value: String
    }

    public func makeRequest(body: [UInt8]) -> HTTPRequest {
        HTTPRequest(method: method, target: target, versionMinor: versionMinor, headers: headers.map { ($0.name, $0.value) }, body: body)
    }

    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    static func parse(_ bytes: ArraySlice<UInt8>, limits: HTTPLimits) throws -> HTTPRequestHead {
        // Split into CRLF lines; a bare LF or CR anywhere is malformed.
        var lines: [ArraySlice<UInt8>] = []
        var start = bytes.startIndex
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == 0x0D {
                guard index + 1 < bytes.endIndex, bytes[index + 1] == 0x0A else {
                    throw HTTPParseError(status: 400, message: "bare CR in request head")
                }
                lines.append(bytes[start..<index])
                index += 2
                start = index
                continue
            }
            if byte == 0x0A { throw HTTPParseError(status: 400, message: "bare LF in request head: lines must end with CRLF") }
            index += 1
        }
        lines.append(bytes[start..<bytes.endIndex])

        let requestLine = lines[0]
        if requestLine.count > limits.maxRequestLineBytes {
            throw HTTPParseError(status: 414, message: "request line longer than \(limits.maxRequestLineBytes) bytes")
        }
        let parts = requestLine.split(separator: 0x20, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw HTTPParseError(status: 400, message: "malformed request line")
        }
        guard parts[0].allSatisfy(isTokenByte) else { throw HTTPParseError(status: 400, message: "invalid method") }
        let method = String(decoding: parts[0], as: UTF8.self)
        let version = String(decoding: parts[2], as: UTF8.self)
        let versionMinor: Int
        switch version {
        case "HTTP/1.1": versionMinor = 1
        case "HTTP/1.0": versionMinor = 0
        default:
            if version.hasPrefix("HTTP/"), version.count == 8 {
                throw HTTPParseError(status: 505, message: "only HTTP/1.0 and HTTP/1.1 are supported")
            }
            throw HTTPParseError(status: 400, message: "malformed HTTP version")
        }
        // Visible ASCII only in the target (RFC 3986): no spaces, controls or raw UTF-8.
        guard parts[1].allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw HTTPParseError(status: 400, message: "invalid character in request target")
        }
        var target = String(decoding: parts[1], as: UTF8.self)
        if target.hasPrefix("/") {
            // origin-form
        } else if target == "*" {
            if method != "OPTIONS" { throw HTTPParseError(status: 400, message: "asterisk-form is only valid with OPTIONS") }
        } else if let scheme = ["http://", "https://"].first(where: { target.lowercased().hasPrefix($0) }) {
            // absolute-form: servers must accept it (RFC 9112 section 3.2.2); keep path and query.
            let afterScheme = target.dropFirst(scheme.count)
            if let slash = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) {
                let rest = String(afterScheme[slash...])
                target = rest.hasPrefix("/") ? rest : "/" + rest
            } else {
                target = "/"
            }
        } else {
            throw HTTPParseError(status: 400, message: "invalid request target")
        }

        var headers: [HTTPField] = []
        for line in lines.dropFirst() {
            if line.count > limits.maxHeaderLineBytes {
                throw HTTPParseError(status: 431, message: "header line longer than \(limits.maxHeaderLineBytes) bytes")
            }
            guard let first = line.first else { throw HTTPParseError(status: 400, message: "empty header line") }
            if first == 0x20 || first == 0x09 {
                throw HTTPParseError(status: 400, message: "obsolete line folding is not accepted")
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                throw HTTPParseError(status: 400, message: "header line without a colon")
            }
            let name = line[line.startIndex..<colon]
            guard !name.isEmpty, name.allSatisfy(isTokenByte) else {
                throw HTTPParseError(status: 400, message: "invalid header name")
            }
            var value = line[(colon + 1)...]
            while let f = value.first, f == 0x20 || f == 0x09 { value.removeFirst() }
            while let l = value.last, l == 0x20 || l == 0x09 { value.removeLast() }
            guard value.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else {
                throw HTTPParseError(status: 400, message: "invalid character in header value")
            }
            headers.append(HTTPField(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self)))
            if headers.count > limits.maxHeaderCount {
                throw HTTPParseError(status: 431, message: "more than \(limits.maxHeaderCount) header fields")
            }
        }

        // One pass over the fields for the ones that decide framing.
        var hostCount = 0
        var transferEncodings: [String] = []
        var contentLengths: [String] = []
        var expectation: String?
        for field in headers {
            if field.name.caseInsensitiveEquals(HTTPHeader.host) {
                hostCount += 1
            } else if field.name.caseInsensitiveEquals(HTTPHeader.transferEncoding) {
                transferEncodings.append(field.value)
            } else if field.name.caseInsensitiveEquals(HTTPHeader.contentLength) {
                contentLengths.append(field.value)
            } else if expectation == nil && field.name.caseInsensitiveEquals(HTTPHeader.expect) {
                expectation = field.value
            }
        }
        if versionMinor == 1 && hostCount != 1 {
            throw HTTPParseError(status: 400, message: hostCount == 0 ? "missing Host header" : "more than one Host header")
        }

        var framing: Framing = .none
        if !transferEncodings.isEmpty {
            if !contentLengths.isEmpty {
                throw HTTPParseError(status: 400, message: "both Content-Length and Transfer-Encoding are present")
            }
            if versionMinor == 0 {
                throw HTTPParseError(status: 400, message: "Transfer-Encoding is not valid in HTTP/1.0")
            }
            let codings = transferEncodings.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: " \t").lowercased() }
            guard codings == ["chunked"] else {
                throw HTTPParseError(status: codings.last == "chunked" ? 501 : 400, message: "only 'Transfer-Encoding: chunked' is supported")
            }
            framing = .chunked
        } else if !contentLengths.isEmpty {
            let all = contentLengths.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }.map { $0.trimmingCharacters(in: " \t") }
            guard let firstValue = all.first, all.allSatisfy({ $0 == firstValue }) else {
                throw HTTPParseError(status: 400, message: "conflicting Content-Length values")
            }
            guard !firstValue.isEmpty, firstValue.count <= 18, firstValue.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let length = Int(firstValue) else {
                throw HTTPParseError(status: 400, message: "invalid Content-Length")
            }
            if length > limits.maxBodyBytes {
                throw HTTPParseError(status: 413, message: "request body of \(length) bytes exceeds the limit of \(limits.maxBodyBytes) bytes",
                                     head: HTTPRequestHead(method: method, target: target, versionMinor: versionMinor, headers: headers,
                                                           framing: .none, expectsContinue: false))
            }
            framing = .length(length)
        }

        var expectsContinue = false
        if let expect = expectation {
            if expect.lowercased() == "100-continue" {
                expectsContinue = versionMinor == 1 && framing != .none
            } else {
                throw HTTPParseError(status: 417, message: "unsupported expectation '\(expect)'")
            }
        }
        return HTTPRequestHead(method: method, target: target, versionMinor: versionMinor, headers: headers, framing: framing, expectsContinue: expectsContinue)
    }
}
