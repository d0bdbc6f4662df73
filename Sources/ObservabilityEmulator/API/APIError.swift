import EmulatorHTTP
import EmulatorJSON

/// An error that knows its HTTP answer: status, `error_code` (nil renders as JSON null) and a
/// message naming the field and the reason. Every error the API returns goes through `response`.
public struct APIError: Error, Equatable, CustomStringConvertible {
    public let status: Int
    public let code: String?
    public let message: String
    public var allow: [String] = []

    public init(_ status: Int, _ code: String?, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String { "\(status) \(code ?? "null"): \(message)" }

    /// The one place errors become `{"detail": {"message", "error_code"}}`.
    public var response: HTTPResponse {
        let body: JSON = ["detail": ["message": .string(message), "error_code": code.map(JSON.string) ?? .null]]
        var headers: [(String, String)] = [(HTTPHeader.contentType, "application/json")]
        if !allow.isEmpty { headers.append((HTTPHeader.allow, allow.joined(separator: ", "))) }
        if status == 401 { headers.append(("WWW-Authenticate", "Bearer")) }
        return HTTPResponse(status: status, headers: headers, body: body.serialized())
    }

    // Factories for the cases that recur.
    public static func validation(_ message: String) -> APIError { APIError(422, "VALIDATION_ERROR", message) }
    public static func searchBadRequest(_ message: String) -> APIError { APIError(400, "SEARCH_BAD_REQUEST", message) }
    /// A body within the size limit that asks for more items than one request may hold (the
    /// emulator's own code: the breadth limits keep every request linear).
    public static func limitExceeded(_ message: String) -> APIError { APIError(400, "LIMIT_EXCEEDED", message) }
    public static func notFound(_ code: String?, _ message: String) -> APIError { APIError(404, code, message) }
    public static func unauthorized(_ message: String) -> APIError { APIError(401, "AUTH_UNAUTHORIZED", message) }
    public static func internalError(_ message: String) -> APIError { APIError(500, "UNKNOWN_ERROR", message) }
}

extension HTTPResponse {
    static func json(_ status: Int, _ value: JSON) -> HTTPResponse {
        HTTPResponse(status: status, headers: [(HTTPHeader.contentType, "application/json")], body: value.serialized())
    }

    static func jsonBytes(_ status: Int, _ bytes: [UInt8]) -> HTTPResponse {
        HTTPResponse(status: status, headers: [(HTTPHeader.contentType, "application/json")], body: bytes)
    }

    static func noContent() -> HTTPResponse { HTTPResponse(status: 204) }

    /// JSON lines (`application/x-ndjson`), offered as a download named `filename` when given.
    static func jsonLines(_ bytes: [UInt8], filename: String? = nil) -> HTTPResponse {
        var headers: [(String, String)] = [(HTTPHeader.contentType, "application/x-ndjson")]
        if let filename { headers.append(("Content-Disposition", "attachment; filename=\"\(filename)\"")) }
        return HTTPResponse(status: 200, headers: headers, body: bytes)
    }
}
