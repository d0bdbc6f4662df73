/// Every bound the server enforces, in one place so each can be set from the command line.
///
/// Hummingbird's HTTP/1 channel caps field sizes and header counts the same way; a server without
/// such bounds lets one client take all of its memory.
public struct HTTPLimits: Sendable, Equatable {
    /// Longest request line (`METHOD target HTTP/1.1`), in bytes. Longer: 414.
    public var maxRequestLineBytes: Int = 8 * 1024
    /// Longest single header line, in bytes. Longer: 431.
    public var maxHeaderLineBytes: Int = 8 * 1024
    /// Largest header section (request line, headers and chunk trailers), in bytes. Larger: 431.
    public var maxHeaderBytes: Int = 64 * 1024
    /// Most header fields in one request. More: 431.
    public var maxHeaderCount: Int = 100
    /// Largest request body, declared or chunked, in bytes. Larger: 413 before the body is read.
    public var maxBodyBytes: Int = 10 * 1024 * 1024
    /// Seconds a keep-alive connection may wait for the first byte of its next request.
    public var idleTimeout: Double = 60
    /// Seconds a client may take to send a whole request once it has started one. Longer: 408.
    public var readTimeout: Double = 30
    /// Most connections open at once; one more is answered 503 and closed.
    public var maxConnections: Int = 1024

    public init() {}
}
