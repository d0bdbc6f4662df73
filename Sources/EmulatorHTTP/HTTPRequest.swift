/// One parsed HTTP/1.x request. Header names keep their case; lookups ignore it.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The request target as sent, e.g. `/v1/judges?page=2`.
    public var target: String
    /// The path part of the target, still percent-encoded.
    public var path: String
    /// The raw query string (after `?`), without decoding; empty when absent.
    public var rawQuery: String
    public var versionMinor: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(
        method: String, target: String, versionMinor: Int = 1,
        headers: [(name: String, value: String)] = [], body: [UInt8] = []
    ) {
        self.method = method
        self.target = target
        self.versionMinor = versionMinor
        self.headers = headers
        self.body = body
        // On the UTF-8 view: a Character search would run grapheme breaking over the target.
        if let q = target.utf8.firstIndex(of: UInt8(ascii: "?")) {
            path = String(target[..<q])
            rawQuery = String(target[target.utf8.index(after: q)...])
        } else {
            path = target
            rawQuery = ""
        }
    }

    /// The first value of a header, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first(where: { $0.name.caseInsensitiveEquals(name) })?.value
    }

    public func headerValues(_ name: String) -> [String] {
        headers.filter { $0.name.caseInsensitiveEquals(name) }.map(\.value)
    }

    /// Query items in order, percent-decoded (`+` is a space); repeated keys are kept.
    public var queryItems: [(name: String, value: String)] {
        guard !rawQuery.isEmpty else { return [] }
        return rawQuery.split(separator: "&", omittingEmptySubsequences: true).map { part in
            if let eq = part.firstIndex(of: "=") {
                return (PercentDecoding.decode(part[..<eq], plusIsSpace: true), PercentDecoding.decode(part[part.index(after: eq)...], plusIsSpace: true))
            }
            return (PercentDecoding.decode(part, plusIsSpace: true), "")
        }
    }

    /// Whether the client asked to keep the connection open (HTTP/1.1 default yes, 1.0 default no).
    public var wantsKeepAlive: Bool {
        let tokens = headerValues(HTTPHeader.connection).flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: " \t").lowercased() }
        if tokens.contains("close") { return false }
        if versionMinor == 0 { return tokens.contains("keep-alive") }
        return true
    }
}

/// Header names the server reads or writes.
public enum HTTPHeader {
    public static let contentLength = "Content-Length"
    public static let contentType = "Content-Type"
    public static let transferEncoding = "Transfer-Encoding"
    public static let connection = "Connection"
    public static let expect = "Expect"
    public static let host = "Host"
    public static let allow = "Allow"
    public static let authorization = "Authorization"
    public static let date = "Date"
    public static let origin = "Origin"
    public static let accessControlRequestMethod = "Access-Control-Request-Method"
    public static let accessControlRequestHeaders = "Access-Control-Request-Headers"
}

/// Percent-decoding of URL components; malformed escapes are kept literally.
public enum PercentDecoding {
    public static func decode<S: StringProtocol>(_ text: S, plusIsSpace: Bool = false) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%"), iterator.count >= 2,
               let high = hexValue(iterator[iterator.startIndex]), let low = hexValue(iterator[iterator.startIndex + 1]) {
                bytes.append(high << 4 | low)
                iterator.removeFirst(2)
            } else if plusIsSpace, byte == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Percent-encodes everything but RFC 3986 unreserved characters.
    public static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

extension String {
    /// ASCII case-insensitive comparison, enough for header names and tokens.
    public func caseInsensitiveEquals(_ other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        var a = self, b = other
        return a.withUTF8 { x in
            b.withUTF8 { y in
                for index in 0..<x.count where x[index] != y[index] {
                    let lx = (x[index] >= 65 && x[index] <= 90) ? x[index] + 32 : x[index]
                    let ly = (y[index] >= 65 && y[index] <= 90) ? y[index] + 32 : y[index]
                    if lx != ly { return false }
                }
                return true
            }
        }
    }

    func trimmingCharacters(in set: String) -> String {
        let chars = Set(set)
        var slice = Substring(self)
        while let first = slice.first, chars.contains(first) { slice.removeFirst() }
        while let last = slice.last, chars.contains(last) { slice.removeLast() }
        return String(slice)
    }

    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String { String(self).trimmingCharacters(in: set) }
}
