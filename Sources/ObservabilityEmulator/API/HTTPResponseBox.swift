import EmulatorHTTP
import EmulatorJSON

/// Lets handlers return a JSON value, raw bytes or a full response with one return type.
struct HTTPResponseBox {
    let response: HTTPResponse
    static func json(_ value: JSON, status: Int = 200) -> HTTPResponseBox { HTTPResponseBox(response: .json(status, value)) }
    static func bytes(_ bytes: [UInt8], status: Int = 200) -> HTTPResponseBox { HTTPResponseBox(response: .jsonBytes(status, bytes)) }
    static let noContent = HTTPResponseBox(response: .noContent())
    static func raw(_ response: HTTPResponse) -> HTTPResponseBox { HTTPResponseBox(response: response) }
}
