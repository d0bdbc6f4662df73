/// A response to write. `drop` closes the connection without writing anything (fault injection).
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Close the connection after this response, whatever the client asked.
    public var closeConnection: Bool
    /// Write nothing and close: what a crashed upstream looks like to the client.
    public var drop: Bool
    /// How long the connection waits before writing this answer (the request stays in flight
    /// meanwhile, so pipelined requests wait too): a slow upstream, without holding a thread.
    public var delayMilliseconds: Int = 0
    /// A body written chunk by chunk as its parts become due, instead of `body`.
    public var stream: HTTPBodyStream?

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = [], closeConnection: Bool = false) {
        self.status = status
        self.headers = headers
        self.body = body
        self.closeConnection = closeConnection
        self.drop = false
    }

    /// Nothing written, the connection closed. `status` is only for the record: 0 for an injected
    /// drop, 499 for a request abandoned because its client hung up.
    public static func dropped(status: Int = 0) -> HTTPResponse {
        var response = HTTPResponse(status: status)
        response.drop = true
        return response
    }

    public func header(_ name: String) -> String? {
        headers.first(where: { $0.name.caseInsensitiveEquals(name) })?.value
    }

    /// The bytes on the wire: status line, headers (with Date, Content-Length and Connection) and body.
    /// A HEAD response carries the headers of the GET, Content-Length included, but no body.
    /// With a `stream`, only the head (with `Transfer-Encoding: chunked`): the connection writes
    /// the parts as they become due.
    public func serialized(keepAlive: Bool, date: String, isHead: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(160 + body.count)
        if status == 200 {
            out.append(contentsOf: "HTTP/1.1 200 OK\r\n".utf8)
        } else {
            out.append(contentsOf: "HTTP/1.1 \(status) \(HTTPStatus.reason(status))\r\n".utf8)
        }
        out.append(contentsOf: "Date: ".utf8)
        out.append(contentsOf: date.utf8)
        out.append(contentsOf: "\r\n".utf8)
        for (name, value) in headers {
            out.append(contentsOf: name.utf8)
            out.append(contentsOf: ": ".utf8)
            out.append(contentsOf: value.utf8)
            out.append(contentsOf: "\r\n".utf8)
        }
        if stream != nil {
            out.append(contentsOf: "Transfer-Encoding: chunked\r\n".utf8)
        } else if status != 204 && status >= 200 {
            out.append(contentsOf: "Content-Length: ".utf8)
            Self.appendDecimal(body.count, to: &out)
            out.append(contentsOf: "\r\n".utf8)
        }
        if !keepAlive { out.append(contentsOf: "Connection: close\r\n".utf8) }
        out.append(contentsOf: "\r\n".utf8)
        if !isHead && status != 204 && stream == nil { out.append(contentsOf: body) }
        return out
    }

    private static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        if value >= 10 { appendDecimal(value / 10, to: &out) }
        out.append(UInt8(ascii: "0") + UInt8(value % 10))
    }
}
