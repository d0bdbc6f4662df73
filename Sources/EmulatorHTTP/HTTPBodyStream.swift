/// A response body written as it becomes due: each part is sent as one HTTP/1.1 chunk
/// (`Transfer-Encoding: chunked`), written to the socket as soon as its pause has passed, then
/// the terminating zero-length chunk. Server-sent events use it so that a client sees the first
/// event before the last one is due (RFC 9112 §7.1).
///
/// The parts are known when the response is made; only their timing is spread out. That keeps the
/// HTTP layer free of producer threads: the connection schedules each part on its own loop.
public struct HTTPBodyStream: Sendable {
    /// One chunk of the body and how long to wait, after the previous part, before writing it.
    public struct Part: Sendable {
        public let delayMilliseconds: Int
        public let bytes: [UInt8]

        public init(delayMilliseconds: Int = 0, bytes: [UInt8]) {
            self.delayMilliseconds = max(0, delayMilliseconds)
            self.bytes = bytes
        }
    }

    public let parts: [Part]

    public init(parts: [Part]) { self.parts = parts }

    /// The wire form of one chunk: hexadecimal size, CRLF, data, CRLF. An empty part writes
    /// nothing (a zero-length chunk would end the body).
    public static func chunk(_ bytes: [UInt8]) -> [UInt8] {
        guard !bytes.isEmpty else { return [] }
        var out = Array(String(bytes.count, radix: 16).utf8)
        out.append(contentsOf: [13, 10])
        out.append(contentsOf: bytes)
        out.append(contentsOf: [13, 10])
        return out
    }

    /// The last chunk and the empty trailer section.
    public static let terminator: [UInt8] = Array("0\r\n\r\n".utf8)
}
