import EmulatorJSON
import Foundation
import Logging
import XCTest
@testable import ObservabilityEmulator

// Fixture factories that keep the tests short.

enum TestPaths {
    /// The repository's `Fixtures/` folder, found from this file's location.
    static var fixturesDirectory: String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()   // Support
            .deletingLastPathComponent()   // ObservabilityEmulatorTests
            .deletingLastPathComponent()   // Tests
            .deletingLastPathComponent()   // repository root
            .appendingPathComponent("Fixtures").path
    }

    /// The served OpenAPI document, `docs/openapi.yaml`.
    static var openAPIDocument: String {
        URL(fileURLWithPath: fixturesDirectory).deletingLastPathComponent().appendingPathComponent("docs/openapi.yaml").path
    }
}

extension Logger {
    /// A logger that stays quiet unless something is really wrong.
    static var quiet: Logger {
        var logger = Logger(label: "ObservabilityEmulatorTests")
        logger.logLevel = .critical
        return logger
    }
}

extension EmulatorConfiguration {
    /// Port 0, an ephemeral database, the repository's fixtures (or none).
    static func make(seed: Bool = true, idSeed: UInt64? = 42, configure: (inout EmulatorConfiguration) -> Void = { _ in }) -> EmulatorConfiguration {
        var configuration = EmulatorConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.seed = seed
        configuration.fixturesDirectory = TestPaths.fixturesDirectory
        configuration.idSeed = idSeed
        configuration.drainTimeout = 2
        configure(&configuration)
        return configuration
    }
}

extension EventDraft {
    /// One event in the `ChatCompletionEvent` shape, validated the way ingestion validates it.
    static func make(
        id: String, createdAt: String, model: String? = "mistral-large-latest", system: String? = nil,
        user: String = "Hello", assistant: String? = "Hi there.", toolCalls: [String] = [], enabledTools: [String] = [],
        metadata: JSONObject = JSONObject(), agent: String? = nil, timeElapsed: Double? = 1.0,
        inputTokens: Int64 = 10, outputTokens: Int64 = 10
    ) throws -> EventDraft {
        var request: [JSON] = []
        if let system { request.append(["role": "system", "content": .string(system)]) }
        request.append(["role": "user", "content": .string(user)])
        var response = JSONObject([("role", "assistant"), ("content", .string(assistant))])
        if !toolCalls.isEmpty {
            response["tool_calls"] = .array(toolCalls.enumerated().map { index, name in
                ["id": .string("call_\(index)"), "type": "function", "function": ["name": .string(name), "arguments": "{}"]]
            })
        }
        var extra = JSONObject([("model_name", .string(model)), ("api_agent_id", .string(agent)), ("metadata", .object(metadata))])
        extra["total_time_elapsed"] = timeElapsed.map { .double($0) } ?? .null
        let event: JSON = .object(JSONObject([
            ("event_id", .string(id)), ("correlation_id", .string("corr-" + id.suffix(4))), ("created_at", .string(createdAt)),
            ("extra_fields", .object(extra)), ("nb_input_tokens", .int(inputTokens)), ("nb_output_tokens", .int(outputTokens)),
            ("enabled_tools", .array(enabledTools.map { ["type": "function", "function": ["name": .string($0), "parameters": [:]]] })),
            ("request_messages", .array(request)), ("response_messages", .array([.object(response)])),
        ]))
        return try EventDraft.make(from: event, path: "", makeID: { UUID().uuidString.lowercased() }, nowMs: { 0 })
    }
}

extension JudgeDefinition {
    static let qualityOptions: [JudgeOutputSpec.Option] = [
        .init(value: "excellent", description: "Fully answers"),
        .init(value: "acceptable", description: "Partly answers"),
        .init(value: "poor", description: "Does not answer"),
    ]

    /// A judge with the given instructions; rules are parsed as on create.
    static func make(
        name: String = "Test judge", instructions: String,
        output: JudgeOutputSpec = .classification(JudgeDefinition.qualityOptions)
    ) throws -> JudgeDefinition {
        JudgeDefinition(name: name, description: "A judge for tests", modelName: "mistral-large-latest", output: output,
                        instructions: instructions, tools: [], parsedRules: try RuleParser.parse(instructions, output: output))
    }
}

extension JudgedConversation {
    /// system (optional), user, assistant (optional, with tool calls) and properties.
    static func make(
        system: String? = nil, user: String = "How do I reset my password?", assistant: String? = "Open Settings, then Security.",
        toolCalls: [String] = [], properties: JSONObject = JSONObject()
    ) throws -> JudgedConversation {
        var messages: [JSON] = []
        if let system { messages.append(["role": "system", "content": .string(system)]) }
        messages.append(["role": "user", "content": .string(user)])
        if assistant != nil || !toolCalls.isEmpty {
            var message = JSONObject([("role", "assistant"), ("content", .string(assistant))])
            if !toolCalls.isEmpty {
                message["tool_calls"] = .array(toolCalls.map { ["id": "c1", "type": "function", "function": ["name": .string($0), "arguments": "{}"]] })
            }
            messages.append(.object(message))
        }
        return try JudgedConversation.make(messages: messages, properties: properties)
    }
}

/// Asserts that `body` throws an `APIError` (or a `StoreError`, as the request edge maps it) with
/// this status (and code), and returns it.
@discardableResult
func assertAPIError<T>(
    _ status: Int, _ code: String?? = nil, messageContains fragments: [String] = [],
    file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> T
) -> APIError? {
    do {
        do {
            let value = try body()
            XCTFail("expected \(status), got \(value)", file: file, line: line)
            return nil
        } catch let error as StoreError {
            // What the request edge answers for a store refusal.
            throw APIError(error)
        } catch let error as QueryError {
            throw APIError(error)
        }
    } catch let error as APIError {
        XCTAssertEqual(error.status, status, error.message, file: file, line: line)
        if let code { XCTAssertEqual(error.code, code, error.message, file: file, line: line) }
        for fragment in fragments {
            XCTAssertTrue(error.message.contains(fragment), "'\(error.message)' does not contain '\(fragment)'", file: file, line: line)
        }
        return error
    } catch {
        XCTFail("expected APIError \(status), got \(error)", file: file, line: line)
        return nil
    }
}
