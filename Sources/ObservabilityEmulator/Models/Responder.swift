import EmulatorJSON

/// A rule that decides a chat completion's answer: what it matches in the request and
/// what it answers. Rules come from `Fixtures/responders.json` and, per workspace, from
/// `POST /__emulator/responders`; the first that matches answers (the workspace's, oldest first,
/// then the fixtures'), and a request no rule matches gets `DefaultAnswer`.
///
/// ```json
/// {"name": "weather",
///  "match": {"model": "mistral-large-latest", "contains": "weather", "matches": "in [A-Z]\\w+",
///            "tools": ["get_weather"], "metadata": {"suite": "tools"}},
///  "respond": {"tool_calls": [{"name": "get_weather", "arguments": {"city": "Paris"}}]},
///  "then": {"content": "It is {{tool_result}} in Paris."}}
/// ```
struct Responder: Equatable, Sendable {
    /// What a request must have for the rule to answer; every condition given must hold.
    struct Match: Equatable, Sendable {
        /// The request's model is one of these (none: any model).
        var models: [String] = []
        /// The last user message contains this text, ignoring case.
        var contains: String?
        /// The last user message matches this regular expression.
        var matches: String?
        /// Every one of these function tools is offered.
        var tools: [String] = []
        /// The request's metadata has each of these keys with this value (compared as text).
        var metadata: [(key: String, value: String)] = []

        static func == (a: Match, b: Match) -> Bool {
            a.models == b.models && a.contains == b.contains && a.matches == b.matches && a.tools == b.tools
                && a.metadata.map(\.key) == b.metadata.map(\.key) && a.metadata.map(\.value) == b.metadata.map(\.value)
        }
    }

    /// One answer: content, tool calls, a finish reason, or an error status; optionally late.
    struct Answer: Equatable, Sendable {
        struct ToolCall: Equatable, Sendable {
            let name: String
            /// The arguments as the JSON text the answer carries.
            let arguments: String
        }

        struct Failure: Equatable, Sendable {
            let status: Int
            let message: String
            let type: String
        }

        /// May use `{{last_user_message}}` and `{{tool_result}}` (the last tool message's content).
        var content: String?
        var toolCalls: [ToolCall] = []
        var finishReason: String?
        var error: Failure?
        /// Milliseconds before the answer (non-streamed) or spread over its chunks (streamed).
        var delayMs = 0
    }

    var name: String?
    var match: Match
    var respond: Answer
    /// The answer to the next turn, the request that carries the results of `respond`'s tool calls.
    var then: Answer?
    /// The rule as written, returned by the control plane's listing.
    var source: JSONObject

    static let finishReasons = ["stop", "length", "model_length", "error", "tool_calls"]
}

extension Responder {
    /// Reads and checks one rule; `path` prefixes error messages (`responders[2].match.matches`).
    static func parse(_ value: JSON, path: String) throws -> Responder {
        guard case .object(let object) = value else {
            throw APIError.validation("\(path.isEmpty ? "body" : path): expected a responder object, got \(value.typeDescription)")
        }
        let reader = BodyReader(object: object, path: path)
        for key in object.keys where !["name", "match", "respond", "then"].contains(key) {
            throw reader.fail(key, "unknown key; a responder has name, match, respond and then")
        }
        let name = try reader.string("name", required: false, nullable: true, maxLength: 200)
        let match = try parseMatch(try reader.object("match", required: false, nullable: true))
        guard let respondReader = try reader.object("respond") else { throw reader.fail("respond", "field required") }
        let respond = try parseAnswer(respondReader)
        let then = try reader.object("then", required: false, nullable: true).map(parseAnswer)
        return Responder(name: name, match: match, respond: respond, then: then, source: object)
    }

    private static func parseMatch(_ reader: BodyReader?) throws -> Match {
        guard let reader else { return Match() }
        for key in reader.object.keys where !["model", "contains", "matches", "tools", "metadata"].contains(key) {
            throw reader.fail(key, "unknown key; match on model, contains, matches, tools or metadata")
        }
        var match = Match()
        switch reader.value("model") {
        case .none, .null?: break
        case .string(let model)?: match.models = [model]
        default: match.models = try reader.stringArray("model", required: false, nullable: true) ?? []
        }
        match.contains = try reader.string("contains", required: false, nullable: true, minLength: 1)
        if let pattern = try reader.string("matches", required: false, nullable: true, minLength: 1) {
            do { try RegexPolicy.validate(pattern, path: reader.fieldPath("matches")) } catch let error as QueryError {
                throw APIError.validation(APIError(error).message)
            }
            match.matches = pattern
        }
        match.tools = try reader.stringArray("tools", required: false, nullable: true) ?? []
        if let metadata = try reader.object("metadata", required: false, nullable: true) {
            for (key, value) in metadata.object {
                guard let text = Self.metadataText(value) else {
                    throw metadata.fail(key, "expected a string, number or boolean, got \(value.typeDescription)")
                }
                match.metadata.append((key, text))
            }
        }
        return match
    }

    private static func parseAnswer(_ reader: BodyReader) throws -> Answer {
        for key in reader.object.keys where !["content", "tool_calls", "finish_reason", "error", "delay_ms"].contains(key) {
            throw reader.fail(key, "unknown key; an answer has content, tool_calls, finish_reason, error and delay_ms")
        }
        var answer = Answer()
        answer.content = try reader.string("content", required: false, nullable: true)
        for (index, call) in (try reader.objectArray("tool_calls", required: false) ?? []).enumerated() {
            let callReader = BodyReader(object: call, path: reader.fieldPath("tool_calls[\(index)]"))
            let name = try callReader.requiredString("name", minLength: 1, maxLength: 200)
            let arguments: String
            switch callReader.value("arguments") {
            case .none, .null?: arguments = "{}"
            case .string(let text)?: arguments = text
            case .object(let object)?: arguments = JSON.object(object).text
            case let other?: throw callReader.fail("arguments", "expected an object or a JSON string, got \(other.typeDescription)")
            }
            answer.toolCalls.append(.init(name: name, arguments: arguments))
        }
        if let reason = try reader.string("finish_reason", required: false, nullable: true) {
            guard finishReasons.contains(reason) else { throw reader.fail("finish_reason", "'\(reason.prefix(40))' is not one of \(finishReasons.joined(separator: ", "))") }
            answer.finishReason = reason
        }
        if let error = try reader.object("error", required: false, nullable: true) {
            guard let status = try error.integer("status"), (400...599).contains(status) else {
                throw error.fail("status", "must be an HTTP error status, 400 to 599")
            }
            answer.error = .init(status: Int(status), message: try error.string("message", required: false, nullable: true) ?? "error answered by an emulator responder (status \(status))",
                                 type: try error.string("type", required: false, nullable: true) ?? "responder_error")
        }
        if let delay = try reader.integer("delay_ms", required: false) {
            guard (0...600_000).contains(delay) else { throw reader.fail("delay_ms", "must be between 0 and 600000") }
            answer.delayMs = Int(delay)
        }
        if answer.content == nil && answer.toolCalls.isEmpty && answer.error == nil && answer.finishReason == nil {
            throw APIError.validation("\(reader.path): an answer needs content, tool_calls, finish_reason or error")
        }
        return answer
    }

    /// Metadata values compared as text: strings as they are, numbers and booleans written out.
    static func metadataText(_ value: JSON) -> String? {
        switch value {
        case .string(let text): return text
        case .int(let number): return String(number)
        case .double(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        default: return nil
        }
    }

    /// Parses a responders file or body: one rule, an array of rules, or `{"responders": [...]}`.
    static func parseList(_ value: JSON, path: String = "") throws -> [Responder] {
        switch value {
        case .array(let items):
            return try items.enumerated().map { try parse($0.element, path: "\(path)[\($0.offset)]") }
        case .object(let object) where object.contains("responders") && !object.contains("respond"):
            guard case .array = object["responders"] ?? .null else { throw APIError.validation("\(path.isEmpty ? "" : path + ".")responders: expected an array") }
            return try parseList(object["responders"]!, path: path.isEmpty ? "responders" : path + ".responders")
        default:
            return [try parse(value, path: path)]
        }
    }
}

extension Responder.Match {
    /// Whether a request satisfies every condition of this match.
    func accepts(_ request: ChatRequest) -> Bool {
        if !models.isEmpty && !models.contains(request.model) { return false }
        let last = request.lastUserMessage
        if let contains, !last.lowercased().contains(contains.lowercased()) { return false }
        if let matches {
            guard let regex = BoundedRegex.compiled(matches), BoundedRegex.firstMatch(regex, in: last) == .match else { return false }
        }
        let offered = request.functionNames
        if !tools.allSatisfy(offered.contains) { return false }
        for (key, value) in metadata {
            guard let sent = request.metadata?[key].flatMap(Responder.metadataText), sent == value else { return false }
        }
        return true
    }
}
