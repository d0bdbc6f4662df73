#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A minimal blocking HTTP client for the healthcheck subcommand: one GET, one status line.
public enum HealthProbe {
    public static func check(host: String, port: Int, timeout: Double, adminToken: String?) -> Result<Void, HealthProbeError> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if os(Linux)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let info = result else {
            return .failure(HealthProbeError("cannot resolve \(host)"))
        }
        defer { freeaddrinfo(result) }
        let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        guard fd >= 0 else { return .failure(HealthProbeError("socket failed")) }
        defer { SocketOS.closeSocket(fd) }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: .init((timeout - Double(Int(timeout))) * 1_000_000))
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        guard connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
            return .failure(HealthProbeError("cannot connect to \(host):\(port): \(SocketOS.errorText(errno))"))
        }
        var request = "GET /__emulator/health HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n"
        if let adminToken { request += "X-Emulator-Admin-Token: \(adminToken)\r\n" }
        request += "\r\n"
        let bytes = Array(request.utf8)
        guard bytes.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, SocketOS.sendFlags) }) == bytes.count else {
            return .failure(HealthProbeError("send failed"))
        }
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = read(fd, &buffer, buffer.count)
        guard n > 12 else { return .failure(HealthProbeError("no answer within \(timeout)s")) }
        let statusLine = String(decoding: buffer[0..<n], as: UTF8.self)
        guard statusLine.hasPrefix("HTTP/1.1 200") || statusLine.hasPrefix("HTTP/1.0 200") else {
            return .failure(HealthProbeError("answered \(statusLine.split(separator: "\r").first ?? "")"))
        }
        return .success(())
    }
}

public struct HealthProbeError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
