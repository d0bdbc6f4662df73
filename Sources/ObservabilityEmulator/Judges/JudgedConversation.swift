import EmulatorJSON
import Foundation

/// The conversation a judge looks at: messages and optional properties.
struct JudgedConversation {
    let messages: [JSONObject]
    let properties: JSONObject

    /// Validates `messages` (a list of objects with a string `role`) and requires something to
    /// judge: an assistant message with content or tool calls. Otherwise 400
    /// JUDGE_CONVERSATION_FORMAT_ERROR.
    static func make(messages: [JSON], properties: JSONObject, path: String = "messages") throws -> JudgedConversation {
        var objects: [JSONObject] = []
        for (index, item) in messages.enumerated() {
            guard case .object(let object) = item else {
                throw APIError.validation("\(path)[\(index)]: expected a message object with 'role' and 'content', got \(item.typeDescription)")
            }
            guard case .string = object["role"] ?? .null else {
                throw APIError.validation("\(path)[\(index)].role: field required (a string such as 'user' or 'assistant')")
            }
            objects.append(object)
        }
        let conversation = JudgedConversation(messages: objects, properties: properties)
        guard conversation.answerMessage != nil else {
            throw APIError(400, "JUDGE_CONVERSATION_FORMAT_ERROR", "\(path): the conversation has no assistant message to judge (need a message with role 'assistant' and content or tool_calls)")
        }
        return conversation
    }

    /// A conversation stored by the emulator (an event, a dataset record): a malformed message is
    /// not the caller's body at fault, so it is the 400 JUDGE_CONVERSATION_FORMAT_ERROR, not a 422.
    static func stored(messages: [JSON], properties: JSONObject, path: String) throws -> JudgedConversation {
        do {
            return try make(messages: messages, properties: properties, path: path)
        } catch let error as APIError where error.status == 422 {
            throw APIError(400, "JUDGE_CONVERSATION_FORMAT_ERROR", error.message)
        }
    }

    /// The judged answer: the last assistant message with content or tool calls.
    var answerMessage: JSONObject? {
        messages.last { m in
            m["role"]?.stringValue == "assistant" && (!messageText(m).isEmpty || !(m["tool_calls"]?.arrayValue ?? []).isEmpty)
        }
    }

    var assistant: String { answerMessage.map(messageText) ?? "" }
    var user: String { messages.last { $0["role"]?.stringValue == "user" }.map(messageText) ?? "" }
    var system: String { messages.first { $0["role"]?.stringValue == "system" }.map(messageText) ?? "" }
    var conversationText: String { messages.map(messageText).filter { !$0.isEmpty }.joined(separator: "\n") }
    var toolNames: [String] {
        messages.filter { $0["role"]?.stringValue == "assistant" }.flatMap { m in
            (m["tool_calls"]?.arrayValue ?? []).compactMap { $0["function"]?["name"]?.stringValue ?? $0["name"]?.stringValue }
        }
    }

    func property(_ key: String) -> String? {
        switch properties[key] {
        case .none, .some(.null): return nil
        case .some(.string(let s)): return s
        case .some(let other): return other.text
        }
    }

    func text(of subject: JudgeRule.Subject) -> String? {
        switch subject {
        case .user: return user
        case .assistant: return assistant
        case .system: return system
        case .conversation: return conversationText
        case .tools: return toolNames.joined(separator: ", ")
        case .property(let key): return property(key)
        }
    }

    /// A canonical rendering for the tie-breaking hash.
    var fingerprint: String { JSON.array(messages.map { .object($0) }).text + JSON.object(properties).text }
}
