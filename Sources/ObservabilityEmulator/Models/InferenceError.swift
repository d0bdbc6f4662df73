import EmulatorHTTP
import EmulatorJSON

/// Errors of the inference routes, in the inference API's own shapes rather than the
/// observability `{"detail": {...}}` one: a 422 is the reference's `HTTPValidationError`
/// (`{"detail": [{"loc", "msg", "type"}]}`, what the SDK parses into `HTTPValidationError`), every
/// other status Mistral's `{"object": "error", "message", "type", "param", "code"}`.
struct InferenceError: Error, Equatable {
    let status: Int
    let message: String
    let type: String
    /// Where a 422 points: `["body", "messages", 0, "role"]`.
    var location: [JSON] = []
    var code: String?
    /// Sent as `X-Emulator-Hint`, beside a body that stays the real service's.
    var hint: String?

    /// The real service's message, word for word; the header says how to make the name known.
    static func invalidModel(_ model: String) -> InferenceError {
        var error = InferenceError(status: 400, message: "Invalid model: \(model.prefix(200))", type: "invalid_model", code: "1500")
        error.hint = addModelHint
        return error
    }

    static let addModelHint = "the emulator knows the models of models.json (the bundled Fixtures/models.json, or --fixtures DIR) "
        + "and those added with POST /__emulator/models; see docs/models.md"

    static func badRequest(_ message: String) -> InferenceError {
        InferenceError(status: 400, message: message, type: "invalid_request_error")
    }

    /// A 422 from a `BodyReader` message (`messages[0].role: field required`): the key path
    /// becomes `loc`, the reason `msg`.
    init(validation error: APIError) {
        status = 422
        let text = error.message
        var location: [JSON] = ["body"]
        var reason = text
        if let colon = text.range(of: ": ") {
            let path = text[..<colon.lowerBound]
            reason = String(text[colon.upperBound...])
            if path != "body" {
                for segment in path.split(separator: ".") {
                    var name = Substring(segment)
                    var indexes: [Int64] = []
                    while name.hasSuffix("]"), let open = name.lastIndex(of: "[") {
                        indexes.insert(Int64(name[name.index(after: open)..<name.index(before: name.endIndex)]) ?? 0, at: 0)
                        name = name[..<open]
                    }
                    if !name.isEmpty { location.append(.string(String(name))) }
                    location += indexes.map { .int($0) }
                }
            }
        }
        self.location = location
        message = reason
        type = reason.hasPrefix("field required") ? "missing" : "value_error"
        code = nil
    }

    init(status: Int, message: String, type: String, code: String? = nil) {
        self.status = status
        self.message = message
        self.type = type
        self.code = code
    }

    /// Any error a handler of these routes throws, in this shape.
    init(_ error: Error) {
        switch error {
        case let error as InferenceError: self = error
        case let error as APIError where error.status == 422: self.init(validation: error)
        case let error as APIError: self.init(status: error.status, message: error.message, type: "invalid_request_error", code: error.code)
        case let error as StoreError: self.init(APIError(error))
        default: self.init(status: 500, message: "internal error: \(error)", type: "internal_error")
        }
    }

    var response: HTTPResponse {
        let body: JSON
        if status == 422 {
            body = ["detail": [.object(JSONObject([("type", .string(type)), ("loc", .array(location)), ("msg", .string(message))]))]]
        } else {
            body = .object(JSONObject([("object", "error"), ("message", .string(message)), ("type", .string(type)),
                                       ("param", .null), ("code", code.map(JSON.string) ?? .null)]))
        }
        var response = HTTPResponse.json(status, body)
        if status == 429 || status == 503 { response.headers.append(("Retry-After", "1")) }
        if let hint { response.headers.append(("X-Emulator-Hint", hint)) }
        return response
    }
}
