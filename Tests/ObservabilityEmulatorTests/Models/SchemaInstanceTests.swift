import EmulatorJSON
import Foundation
import XCTest
@testable import ObservabilityEmulator

/// The JSON Schema instance generator: what a structured-output client receives from the default
/// answer. Every instance is checked by the emulator's validator; Tests/Conformance checks the
/// same through the HTTP API with Python's jsonschema.
final class SchemaInstanceTests: XCTestCase {
    let seed = SchemaInstance.Seed(answer: "The default sentence.", userMessage: "What is the capital of France?", fingerprint: 0xC0FFEE)

    func instance(_ schema: JSON, seed: SchemaInstance.Seed? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> JSON {
        let value = try XCTUnwrap(SchemaInstance.make(for: schema, seed: seed ?? self.seed), "no instance for \(schema.text)", file: file, line: line)
        XCTAssertTrue(SchemaValidator(schema: schema).isValid(value), "\(value.text) does not fit \(schema.text)", file: file, line: line)
        return value
    }

    func schema(_ text: String) throws -> JSON { try JSON.parse(text) }

    func testAPydanticModelWithDefsOptionalsAndTitles() throws {
        let person = try schema(##"""
        {"$defs": {"Address": {"properties": {"street": {"title": "Street", "type": "string"},
                                              "postcode": {"pattern": "^\\d{5}$", "title": "Postcode", "type": "string"}},
                               "required": ["street", "postcode"], "title": "Address", "type": "object"}},
         "properties": {"name": {"title": "Name", "type": "string", "maxLength": 12},
                        "age": {"maximum": 130, "minimum": 0, "title": "Age", "type": "integer"},
                        "address": {"anyOf": [{"$ref": "#/$defs/Address"}, {"type": "null"}], "default": null},
                        "tags": {"items": {"type": "string"}, "title": "Tags", "type": "array"}},
         "required": ["name", "age"], "title": "Person", "type": "object"}
        """##)
        let value = try instance(person)
        XCTAssertEqual(value.objectValue?.keys, ["name", "age", "address", "tags"], "every property, in the schema's order")
        XCTAssertEqual(value["name"], "The default", "the first free text is the answer's sentence, cut at a word")
        XCTAssertEqual(value["address"]?["street"], "What is the capital of France?", "later free text is the user's message")
        XCTAssertNotNil(value["address"]?["postcode"]?.stringValue?.range(of: #"^\d{5}$"#, options: .regularExpression))
        XCTAssertEqual(value["tags"]?.arrayValue?.count, 2)
    }

    func testTheSameSeedGivesTheSameBytesAndAnotherRequestOtherValues() throws {
        let schema = try schema(##"{"type": "object", "properties": {"n": {"type": "integer"}, "id": {"type": "string", "format": "uuid"}, "x": {"type": "number"}}}"##)
        let first = try instance(schema)
        XCTAssertEqual(first.text, try instance(schema).text)
        var other = seed
        other.fingerprint = 0xBEEF
        XCTAssertNotEqual(first.text, try instance(schema, seed: other).text)
    }

    func testFreeTextIsCutToMaxLengthAndPaddedToMinLength() throws {
        let value = try instance(try schema(##"{"type": "array", "prefixItems": [{"type": "string", "maxLength": 9}, {"type": "string", "minLength": 60}, {"type": "string", "maxLength": 0}], "items": false}"##))
        XCTAssertEqual(value.arrayValue?.first, "The")
        let padded = try XCTUnwrap(value.arrayValue?[1].stringValue)
        XCTAssertTrue(padded.hasPrefix("What is the capital of France? "), padded)
        XCTAssertGreaterThanOrEqual(padded.unicodeScalars.count, 60)
        XCTAssertEqual(value.arrayValue?[2], "")
        let empty = SchemaInstance.Seed(answer: "", userMessage: "", fingerprint: 1)
        XCTAssertTrue(SchemaInstance.words.contains(try instance(["type": "string"], seed: empty).stringValue ?? ""), "no text: a stable word")
    }

    func testFormats() throws {
        for format in ["date-time", "date", "time", "email", "uri", "url", "uuid", "ipv4", "ipv6", "hostname", "duration", "json-pointer"] {
            let value = try instance(["type": "string", "format": .string(format)])
            XCTAssertTrue(SchemaFormat.accepts(format, value.stringValue ?? ""), "\(format): \(value.text)")
        }
        XCTAssertEqual(try instance(["type": "string", "format": "uuid"]).stringValue?.split(separator: "-")[2].first, "4", "a version 4 UUID")
        let email = try instance(["type": "string", "format": "email", "minLength": 40]).stringValue ?? ""
        XCTAssertTrue(email.hasSuffix("@example.com") && email.count == 40, email)
        let url = try instance(["type": "string", "format": "uri", "maxLength": 21]).stringValue ?? ""
        XCTAssertTrue(url.hasPrefix("https://example.com/") && url.count == 21, url)
        XCTAssertEqual(try instance(["type": "string", "format": "color"]).stringValue, "The default sentence.", "an unknown format is free text")
    }

    func testPatterns() throws {
        let patterns = [#"^[a-z]+$"#, #"^\d{3}-\d{4}$"#, #"^(?:SKU|REF)-[A-F0-9]{6}(-v\d+)?$"#, #"[0-9]{2}x"#, #"^[^aeiou\s]{4,6}$"#,
                        #"^\w+@\w+\.com$"#, #"^(?i)[a-f]{3}$"#, #"^a{2}\{b\}$"#, #"^(?<year>\d{4})-(?<month>0[1-9]|1[0-2])$"#, #"^\p{Lu}\p{Ll}+\P{L}$"#]
        for pattern in patterns {
            let text = try instance(["type": "string", "pattern": .string(pattern)]).stringValue ?? ""
            XCTAssertNotNil(text.range(of: pattern, options: .regularExpression), "\(pattern): \(text)")
        }
        let python = try instance(["type": "string", "pattern": #"^(?P<year>\d{4})-(?P<month>0[1-9]|1[0-2])$"#]).stringValue ?? ""
        XCTAssertNotNil(python.range(of: #"^\d{4}-(0[1-9]|1[0-2])$"#, options: .regularExpression), "Python's named groups, which ICU refuses: \(python)")
        let bounded = try instance(["type": "string", "pattern": "^[A-Z][a-z]*$", "minLength": 30, "maxLength": 31]).stringValue ?? ""
        XCTAssertTrue((30...31).contains(bounded.count), bounded)
        XCTAssertEqual(SchemaInstance.make(for: ["type": "string", "pattern": "^(?=x)y$"], seed: seed), "The default sentence.",
                       "lookahead is outside the sampler: free text, the pattern missed")
    }

    func testTheSamplerReadsTheSubsetAndRefusesTheRest() {
        XCTAssertEqual(RegexSample("^ab{3}c?$")?.sample(target: 1, seed: 1), "abbbc")
        XCTAssertEqual(RegexSample(#"x{2,}"#)?.sample(target: 5, seed: 1), "xxxxx")
        XCTAssertEqual(RegexSample(#"a{,2}"#)?.sample(target: 9, seed: 1), "aa")
        for unsupported in [#"(a)\1"#, "(?=a)", "(?<!a)b", "a**", "(a", "[b-a]"] { XCTAssertNil(RegexSample(unsupported), unsupported) }
        XCTAssertEqual(RegexSample("((a*)*)*")?.sample(target: 10_000, seed: 1).count, 100_001, "nested quantifiers stop at the limit")
    }

    func testNumbers() throws {
        XCTAssertEqual(try instance(["type": "integer", "exclusiveMinimum": 10, "exclusiveMaximum": 12]), 11)
        XCTAssertEqual(try instance(["type": "integer", "minimum": -5, "maximum": -5]), -5)
        let small = try XCTUnwrap(try instance(["type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 0.001]).doubleValue)
        XCTAssertTrue(small > 0 && small < 0.001)
        let tenth = try instance(["type": "number", "multipleOf": 0.1, "minimum": 0.25, "maximum": 0.95])
        XCTAssertTrue(SchemaValidator.isMultiple(tenth, of: 0.1), tenth.text)
        XCTAssertEqual((try instance(["type": "integer", "multipleOf": 2.5]).intValue ?? 1) % 5, 0)
        XCTAssertEqual(try instance(["type": "integer", "minimum": 1_000_000_000_000, "maximum": 1_000_000_000_000]), 1_000_000_000_000)
        XCTAssertEqual(try instance(["type": "number", "minimum": 1, "exclusiveMinimum": true, "maximum": 2]).doubleValue.map { $0 > 1 }, true, "Draft 4 booleans")
        XCTAssertNil(SchemaInstance.make(for: ["type": "integer", "exclusiveMinimum": 1, "exclusiveMaximum": 2], seed: seed))
    }

    func testArrays() throws {
        let letters = try instance(["type": "array", "items": ["enum": ["a", "b", "c"]], "uniqueItems": true, "minItems": 3])
        XCTAssertEqual(Set(letters.arrayValue?.compactMap(\.stringValue) ?? []), ["a", "b", "c"])
        XCTAssertEqual(try instance(["type": "array", "items": ["type": "boolean"], "uniqueItems": true, "minItems": 2]).arrayValue?.count, 2)
        XCTAssertNil(SchemaInstance.make(for: ["type": "array", "items": ["const": 1], "uniqueItems": true, "minItems": 2], seed: seed))
        let tuple = try instance(try schema(##"{"prefixItems": [{"type": "integer"}, {"type": "string", "format": "date"}], "items": false}"##))
        XCTAssertEqual(tuple.arrayValue?.count, 2)
        let draft7 = try instance(try schema(##"{"items": [{"const": "x"}], "additionalItems": {"type": "integer"}, "minItems": 3}"##))
        XCTAssertEqual(draft7.arrayValue?.first, "x")
        _ = try instance(try schema(##"{"type": "array", "items": {"type": "integer"}, "contains": {"minimum": 50, "maximum": 60}, "minContains": 2}"##))
        XCTAssertEqual(try instance(["type": "array", "maxItems": 0]), [])
    }

    func testObjects() throws {
        let closed = try instance(try schema(##"{"properties": {"a": {"type": "string"}}, "additionalProperties": false, "required": ["a"]}"##))
        XCTAssertEqual(closed.objectValue?.keys, ["a"])
        let open = try instance(try schema(##"{"type": "object", "additionalProperties": {"type": "integer"}}"##))
        XCTAssertEqual(open, [:], "an additionalProperties schema adds no key unless minProperties asks")
        let filled = try instance(try schema(##"{"type": "object", "additionalProperties": {"type": "integer"}, "minProperties": 2}"##))
        XCTAssertEqual(filled.objectValue?.count, 2)
        let limited = try instance(try schema(##"{"properties": {"a": {}, "b": {}, "c": {}}, "required": ["c"], "maxProperties": 2}"##))
        XCTAssertEqual(limited.objectValue?.keys, ["a", "c"])
        let patterned = try instance(try schema(##"{"patternProperties": {"^x_[a-z]{2}$": {"type": "integer"}}, "additionalProperties": false, "minProperties": 2}"##))
        XCTAssertEqual(patterned.objectValue?.count, 2)
        let named = try instance(try schema(##"{"propertyNames": {"pattern": "^[A-Z]{3}$"}, "minProperties": 1}"##))
        XCTAssertNotNil(named.objectValue?.keys.first?.range(of: "^[A-Z]{3}$", options: .regularExpression))
        XCTAssertNil(SchemaInstance.make(for: try schema(##"{"required": ["a"], "additionalProperties": false}"##), seed: seed))
    }

    func testReferencesAndRecursion() throws {
        let tree = try schema(##"{"$defs": {"Node": {"type": "object", "properties": {"value": {"type": "integer"}, "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}}}, "required": ["value", "children"]}}, "$ref": "#/$defs/Node"}"##)
        XCTAssertEqual(try instance(tree)["children"], [], "the recursion stops at an empty array")
        let list = try schema(##"{"definitions": {"L": {"type": "object", "properties": {"next": {"anyOf": [{"$ref": "#/definitions/L"}, {"type": "null"}]}}, "required": ["next"]}}, "$ref": "#/definitions/L"}"##)
        XCTAssertEqual(try instance(list)["next"], .null, "at null")
        let parent = try instance(try schema(##"{"type": "object", "properties": {"name": {"type": "string"}, "parent": {"$ref": "#"}}}"##))
        XCTAssertEqual(parent.objectValue?.keys, ["name"], "at an optional property left out")
        let escaped = try instance(try schema(##"{"$defs": {"a/b": {"const": 1}, "c~d": {"const": 2}, "e f": {"const": 3}}, "prefixItems": [{"$ref": "#/$defs/a~1b"}, {"$ref": "#/$defs/c~0d"}, {"$ref": "#/%24defs/e%20f"}], "items": false}"##))
        XCTAssertEqual(escaped, [1, 2, 3])
        XCTAssertNil(SchemaInstance.make(for: try schema(##"{"$defs": {"R": {"properties": {"r": {"$ref": "#/$defs/R"}}, "required": ["r"]}}, "$ref": "#/$defs/R"}"##), seed: seed))
    }

    func testCombinators() throws {
        let exactlyOne = try instance(try schema(##"{"oneOf": [{"type": "integer"}, {"type": "number", "minimum": 0}]}"##))
        XCTAssertNil(exactlyOne.intValue, "an integer would match both branches")
        XCTAssertEqual(try instance(try schema(##"{"anyOf": [{"type": "string", "minLength": 5, "maxLength": 2}, {"const": 7}]}"##)), 7)
        XCTAssertEqual(try instance(try schema(##"{"anyOf": [{"type": "null"}, {"type": "string"}]}"##)), "The default sentence.", "null only last")
        let merged = try instance(try schema(##"{"allOf": [{"properties": {"a": {"type": "integer"}}, "required": ["a"]}, {"properties": {"a": {"minimum": 10, "maximum": 10}}}]}"##))
        XCTAssertEqual(merged["a"], 10)
        XCTAssertNil(SchemaInstance.make(for: try schema(##"{"allOf": [{"type": "string"}, {"type": "integer"}]}"##), seed: seed))
        XCTAssertNil(SchemaInstance.make(for: false, seed: seed))
        XCTAssertNotEqual(try instance(try schema(##"{"type": "string", "enum": ["a", "b"], "not": {"const": "a"}}"##)), "a")
        XCTAssertLessThan(try instance(try schema(##"{"type": "integer", "not": {"minimum": 0}}"##)).intValue ?? 0, 0)
        _ = try instance(try schema(##"{"not": {"type": ["object", "string"]}}"##))
        let conditional = try schema(##"{"properties": {"c": {"enum": ["US", "CA"]}, "zip": {"type": "string"}}, "required": ["c", "zip"], "if": {"properties": {"c": {"const": "US"}}}, "then": {"properties": {"zip": {"pattern": "^[0-9]{5}$"}}}}"##)
        XCTAssertEqual(try instance(conditional)["zip"]?.stringValue?.count, 5)
    }

    func testExamplesThenDefaultThenGenerated() throws {
        XCTAssertEqual(try instance(["type": "string", "examples": [1, "Paris"], "default": "Lyon"]), "Paris", "the first valid example")
        XCTAssertEqual(try instance(["type": "string", "default": "Lyon"]), "Lyon")
        XCTAssertEqual(try instance(["type": "integer", "minimum": 5, "maximum": 5, "default": 1]), 5, "an invalid default is ignored")
        XCTAssertEqual(try instance(["type": ["string", "null"], "default": nil]), "The default sentence.", "a null default is not taken")
        XCTAssertEqual(try instance(true), [:], "anything: an object at the root")
    }

    func testWorkIsBounded() throws {
        // Forty nested levels of anyOf with four impossible branches each: exponential if each
        // branch were explored, here the budget ends it.
        var nested: JSON = ["type": "string", "minLength": 3, "maxLength": 1]
        for _ in 0..<40 { nested = ["anyOf": [nested, nested, nested, ["type": "integer", "minimum": 2, "maximum": 1]]] }
        let start = Date()
        XCTAssertNil(SchemaInstance.make(for: nested, seed: seed))
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        var deep: JSON = ["type": "integer"]
        for _ in 0..<(SchemaDocument.maximumDepth + 5) { deep = ["type": "object", "properties": ["x": deep], "required": ["x"]] }
        XCTAssertNil(SchemaInstance.make(for: deep, seed: seed), "deeper than the depth limit")
        XCTAssertNil(SchemaInstance.make(for: ["type": "array", "minItems": 1_000_000], seed: seed))
        let wide = JSON.object(JSONObject((0..<2_000).map { ("p\($0)", ["type": "integer"] as JSON) }))
        XCTAssertEqual(try instance(["type": "object", "properties": wide]).objectValue?.count, 2_000, "a wide schema gets budget in proportion")
    }

    func testTheValidator() throws {
        let validator = SchemaValidator(schema: try schema(##"{"type": "object", "properties": {"a": {"type": "integer"}, "s": {"minLength": 2}}, "required": ["a"]}"##))
        XCTAssertTrue(validator.isValid(try JSON.parse(#"{"a": 1.0, "s": "💩💩"}"#)), "2.0 is an integer, lengths count code points")
        XCTAssertFalse(validator.isValid(try JSON.parse(#"{"a": "1"}"#)))
        XCTAssertFalse(validator.isValid(try JSON.parse(#"{"s": "ab"}"#)))
        XCTAssertTrue(SchemaValidator(schema: ["enum": [1, ["x": [1]]]]).isValid(try JSON.parse(#"{"x": [1.0]}"#)))
        XCTAssertFalse(SchemaValidator(schema: ["enum": [1]]).isValid(true))
        XCTAssertFalse(SchemaValidator(schema: ["uniqueItems": true]).isValid([1, 1.0]))
        XCTAssertFalse(SchemaValidator(schema: ["multipleOf": 0.1]).isValid(0.3), "as Python's jsonschema decides it")
        XCTAssertFalse(SchemaValidator(schema: ["format": "date-time"]).isValid("yesterday"))
    }

    func testTheChatAnswerInJSONModes() throws {
        let format: JSON = ["type": "json_schema", "json_schema": ["name": "city", "schema": ["type": "object", "properties": ["name": ["type": "string"], "population": ["type": "integer", "minimum": 0]], "required": ["name", "population"]]]]
        let request = try ChatRequest.make("Tell me about Lisbon", extra: [("response_format", format)])
        let answer = ChatAnswer.defaultAnswer(for: request)
        let content = try JSON.parse(answer.content)
        XCTAssertTrue(content["name"]?.stringValue?.contains("You asked: \"Tell me about Lisbon\"") == true, answer.content)
        XCTAssertNotNil(content["population"]?.intValue)
        XCTAssertEqual(answer, ChatAnswer.defaultAnswer(for: try ChatRequest.make("Tell me about Lisbon", extra: [("response_format", format)])))
        let streamed = try ChatRequest.make("Tell me about Lisbon", extra: [("response_format", format), ("stream", true)])
        XCTAssertEqual(ChatAnswer.defaultAnswer(for: streamed).content, answer.content, "the stream carries the same content")
        let impossible: JSON = ["type": "json_schema", "json_schema": ["name": "x", "schema": false]]
        XCTAssertNotNil(try JSON.parse(ChatAnswer.defaultAnswer(for: try ChatRequest.make(extra: [("response_format", impossible)])).content)["answer"])

        let rules = [try Responder.make(["name": "text", "respond": ["content": "plain words"]]),
                     try Responder.make(["name": "wrong", "respond": ["content": #"{"name": 3}"#]]),
                     try Responder.make(["name": "right", "respond": ["content": #"{"name": "Lisbon", "population": 545000}"#]])]
        XCTAssertEqual(ChatAnswer.decide(for: request, responders: rules).responder, "right", "in a JSON mode, content that does not fit is passed over")
        XCTAssertEqual(ChatAnswer.decide(for: try ChatRequest.make(extra: [("response_format", ["type": "json_object"])]), responders: rules).responder, "wrong")
        XCTAssertEqual(ChatAnswer.decide(for: try ChatRequest.make(), responders: rules).responder, "text")
    }

    func testAForcedToolCallGetsArgumentsFromItsParameters() throws {
        let tools: JSON = [["type": "function", "function": ["name": "lookup", "parameters": ["type": "object", "properties": ["city": ["type": "string"], "days": ["type": "integer", "minimum": 1, "maximum": 3]], "required": ["city", "days"]]]]]
        let request = try ChatRequest.make("Lisbon", extra: [("tools", tools), ("tool_choice", "any")])
        let call = try XCTUnwrap(ChatAnswer.defaultAnswer(for: request).toolCalls.first)
        let arguments = try JSON.parse(call.arguments)
        XCTAssertEqual(arguments["city"], "Lisbon")
        XCTAssertTrue((1...3).contains(arguments["days"]?.intValue ?? 0))
    }

    /// After tool results a forced choice still calls a tool: the first one that did not just
    /// answer (an agent moves on to its final-answer tool), the only one when there is one (a reask).
    func testAForcedChoiceAfterToolResultsCallsTheNextTool() throws {
        let call: JSON = ["role": "assistant", "content": "", "tool_calls": [["id": "c1", "type": "function", "function": ["name": "weather", "arguments": "{}"]]]]
        let result: JSON = ["role": "tool", "tool_call_id": "c1", "name": "weather", "content": "sunny"]
        let messages: [JSON] = [["role": "user", "content": "Weather?"], call, result]
        for choice: JSON in ["any", "required"] {
            let both = try ChatRequest.make(tools: ["weather", "final_result"], messages: messages, extra: [("tool_choice", choice)])
            XCTAssertEqual(ChatAnswer.defaultAnswer(for: both).toolCalls.map(\.name), ["final_result"], "\(choice)")
            let one = try ChatRequest.make(tools: ["weather"], messages: messages, extra: [("tool_choice", choice)])
            XCTAssertEqual(ChatAnswer.defaultAnswer(for: one).toolCalls.map(\.name), ["weather"])
        }
        let auto = try ChatRequest.make(tools: ["weather", "final_result"], messages: messages)
        XCTAssertTrue(ChatAnswer.defaultAnswer(for: auto).toolCalls.isEmpty)
        XCTAssertTrue(ChatAnswer.defaultAnswer(for: auto).content.hasPrefix("Thanks: the weather tool returned sunny"))
    }

    func testAJSONSchemaFormatWithoutASchemaObjectIsRefused() throws {
        for bad: JSON in [["name": "x"], ["name": "x", "schema": "object"], ["name": "x", "schema": nil]] {
            XCTAssertThrowsError(try ChatRequest.make(extra: [("response_format", ["type": "json_schema", "json_schema": bad])])) { error in
                let failure = error as? InferenceError
                XCTAssertEqual(failure?.status, 400)
                XCTAssertEqual(failure?.message.hasPrefix("response_format.json_schema.schema: "), true, failure?.message ?? "\(error)")
            }
        }
        XCTAssertNoThrow(try ChatRequest.make(extra: [("response_format", ["type": "json_schema", "json_schema": ["name": "x", "schema": true]])]))
    }
}
