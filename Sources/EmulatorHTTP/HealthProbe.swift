#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A minimal blocking HTTP client for the healthcheck subcommand: one GET, one status line.
public enum HealthProbe {
    public static func check(host: String, port: Int, timeout: Double, adminToken: String?) -> Result<Void, HealthProbeError> {
        let resolved = SocketOS.withAddress(host: host, port: port, passive: false) { info in
            probe(info, host: host, port: port, timeout: timeout, adminToken: adminToken)
        }
        switch resolved {
        case .success(let outcome): return outcome
        case .failure(let error): return .failure(error)
        }
    }

    private static func probe(_ info: addrinfo, host: String, port: Int, timeout: Double, adminToken: String?) -> Result<Void, HealthProbeError> {
        let fd = socket(info.ai_family, info.ai_socktype, info.ai_protocol)
        guard fd >= 0 else { return .failure(HealthProbeError("socket failed")) }
        defer { SocketOS.closeSocket(fd) }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: .init((timeout - Double(Int(timeout))) * 1_000_000))
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        guard connect(fd, info.ai_addr, info.ai_addrlen) == 0 else {
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
