import Foundation
import EmulatorHTTP
import EmulatorJSON

/// The answers of the OTLP/HTTP receiver, in the request's encoding (protobuf or JSON): the
/// `Export*ServiceResponse` with its `partial_success`, and `google.rpc.Status` for errors.
enum OTLPEncoding {
    case protobuf, json

    static let protobufType = "application/x-protobuf"
    static let jsonType = "application/json"

    var contentType: String { self == .protobuf ? Self.protobufType : Self.jsonType }

    /// The encoding a `Content-Type` names, nil for any other media type.
    init?(contentType: String?) {
        let media = (contentType ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        switch media {
        case Self.protobufType: self = .protobuf
        case Self.jsonType: self = .json
        default: return nil
        }
    }

    /// `Export{Trace,Logs,Metrics}ServiceResponse`: empty when nothing was rejected, else the
    /// `partial_success` with the count (`rejectedSpans`, …) and the message.
    func exportResponse(rejectedField: String, rejected: Int, message: String) -> HTTPResponse {
        var body: [UInt8]
        switch self {
        case .protobuf:
            body = []
            if rejected > 0 || !message.isEmpty {
                var partial: [UInt8] = []
                if rejected > 0 { partial += [0x08] + ProtobufWriter.varint(UInt64(rejected)) }
                if !message.isEmpty { partial += ProtobufWriter.field(2, Array(message.utf8)) }
                body = ProtobufWriter.field(1, partial)
            }
        case .json:
            let value: JSON = rejected > 0 || !message.isEmpty
                ? ["partialSuccess": .object(JSONObject([(rejectedField, .string(String(rejected))), ("errorMessage", .string(message))]))]
                : .object(JSONObject())
            body = value.serialized()
        }
        return HTTPResponse(status: 200, headers: [(HTTPHeader.contentType, contentType)], body: body)
    }

    /// The `google.rpc.Code` of an HTTP error status: UNAUTHENTICATED, PERMISSION_DENIED,
    /// NOT_FOUND, RESOURCE_EXHAUSTED, UNAVAILABLE, INTERNAL, INVALID_ARGUMENT otherwise.
    static func rpcCode(httpStatus: Int) -> Int {
        switch httpStatus {
        case 401: return 16
        case 403: return 7
        case 404: return 5
        case 413, 429: return 8
        case 503, 507: return 14
        case 500...: return 13
        default: return 3
        }
    }

    /// A `google.rpc.Status` error whose code follows the HTTP status (`rpcCode`): 3
    /// INVALID_ARGUMENT for bad data, 8 RESOURCE_EXHAUSTED for a body too large, ...
    func status(_ httpStatus: Int, _ message: String) -> HTTPResponse {
        let code = Self.rpcCode(httpStatus: httpStatus)
        var body: [UInt8]
        switch self {
        case .protobuf:
            body = [0x08] + ProtobufWriter.varint(UInt64(code)) + ProtobufWriter.field(2, Array(message.utf8))
        case .json:
            body = JSON.object(JSONObject([("code", .int(Int64(code))), ("message", .string(message))])).serialized()
        }
        return HTTPResponse(status: httpStatus, headers: [(HTTPHeader.contentType, contentType)], body: body)
    }
}

/// The little protobuf writing the responses need.
enum ProtobufWriter {
    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value, out: [UInt8] = []
        repeat {
            out.append(UInt8(value & 0x7F) | (value > 0x7F ? 0x80 : 0))
            value >>= 7
        } while value > 0
        return out
    }

    /// A length-delimited field.
    static func field(_ number: UInt64, _ payload: [UInt8]) -> [UInt8] {
        varint(number << 3 | 2) + varint(UInt64(payload.count)) + payload
    }
}
