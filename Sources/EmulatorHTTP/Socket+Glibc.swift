#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The small differences between Linux and Darwin sockets, in one place.
enum SocketOS {
    /// Linux has no SO_NOSIGPIPE: every send passes MSG_NOSIGNAL so a peer that vanished
    /// mid-response gives EPIPE instead of killing the process with SIGPIPE.
    #if os(Linux)
    static let sendFlags: Int32 = Int32(MSG_NOSIGNAL)
    #else
    static let sendFlags: Int32 = 0
    #endif

    static func configureAccepted(_ fd: Int32) {
        setNonBlocking(fd)
        var one: Int32 = 1
        // Responses are written whole in one call; Nagle would only add latency.
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        #if !os(Linux)
        _ = setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
    }

    static func setNonBlocking(_ fd: Int32) {
        let flags = fcntl(fd, F_GETFL, 0)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
    }

    static func closeSocket(_ fd: Int32) {
        #if canImport(Glibc)
        _ = Glibc.close(fd)
        #else
        _ = Darwin.close(fd)
        #endif
    }

    /// Resolves a TCP address (numeric service) and calls `body` with the first result, or
    /// returns the resolver's error text.
    static func withAddress<T>(host: String, port: Int, passive: Bool, _ body: (addrinfo) throws -> T) rethrows -> Result<T, HealthProbeError> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if os(Linux)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0)
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &result)
        guard status == 0, let info = result else {
            return .failure(HealthProbeError("cannot resolve host '\(host)': \(String(cString: gai_strerror(status)))"))
        }
        defer { freeaddrinfo(result) }
        return .success(try body(info.pointee))
    }

    static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }
}
