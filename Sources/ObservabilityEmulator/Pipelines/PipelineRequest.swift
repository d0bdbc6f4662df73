import EmulatorJSON

/// A judge named by slug in a request (`LlmJudgeReference`, or a `judge` definition of a
/// standalone config), with the field path that named it for errors.
struct JudgeReference: Equatable {
    var slug: String
    var mapping: [(property: String, attribute: String)]
    var sampling: PipelineSampling?
    var path: String

    static func == (lhs: JudgeReference, rhs: JudgeReference) -> Bool {
        lhs.slug == rhs.slug && lhs.sampling == rhs.sampling && lhs.path == rhs.path
            && lhs.mapping.elementsEqual(rhs.mapping) { $0.property == $1.property && $0.attribute == $1.attribute }
    }
}

/// What a create or update of a pipeline (or a standalone pipeline config) asks for; validated.
struct PipelineDraft {
    var name: String?
    var description: String??
    var selectors: [PipelineSelector]?
    var references: [JudgeReference]?
    var enabled: Bool?
    /// Standalone configs: the kind and the definitions as sent.
    var kind: String?
    var definitions: [JSON]?

    static let maximumReferences = 20
    /// The most properties one judge reference maps to span attributes.
    static let maximumMappings = 100

    /// `CreatePipelineRequest` (every field required but `description` and `enabled`) or
    /// `UpdatePipelineRequest` (every field optional).
    static func pipeline(_ body: BodyReader, tenant: TelemetryTenant, creating: Bool) throws -> PipelineDraft {
        var draft = PipelineDraft()
        draft.name = try body.string("name", required: creating, minLength: 1, maxLength: 200)
        if draft.name?.trimmedSpaces.isEmpty == true { throw body.fail("name", "must not be blank") }
        if body.has("description") { draft.description = .some(try body.string("description", nullable: true, maxLength: 2_000)) }
        if creating || body.has("selectors") { draft.selectors = try selectors(body, tenant: tenant) }
        if creating || body.has("definitions") {
            let items = try body.objectArray("definitions") ?? []
            if items.count > maximumReferences {
                throw body.fail("definitions", "at most \(maximumReferences) judges per pipeline (got \(items.count))")
            }
            let references = try items.enumerated().map { index, object in
                try reference(BodyReader(object: object, path: "\(body.fieldPath("definitions"))[\(index)]"), withSampling: true)
            }
            var seen = Set<String>()
            for reference in references where !seen.insert(reference.slug).inserted {
                throw APIError.validation("\(reference.path).slug: the judge '\(reference.slug)' is named twice")
            }
            draft.references = references
        }
        draft.enabled = try body.boolean("enabled", nullable: true)
        return draft
    }

    /// The kinds of `pipeline-configs`: SDK 2.10 – 3.1 spell them without the `-v1` of 3.2+.
    static let configKinds = ["judge", "detection", "moderation", "export", "judge-v1", "detection-v1", "moderation-v1", "export-v1"]

    /// `CreatePipelineConfigRequest` and `UpdatePipelineConfigRequest` (a full replacement:
    /// everything but `description` required, `enabled` too).
    static func config(_ body: BodyReader, tenant: TelemetryTenant, creating: Bool) throws -> PipelineDraft {
        var draft = PipelineDraft()
        draft.name = try body.requiredString("name", minLength: 1, maxLength: 200)
        if draft.name?.trimmedSpaces.isEmpty == true { throw body.fail("name", "must not be blank") }
        let kind = try body.requiredString("pipeline_kind")
        guard configKinds.contains(kind) else {
            throw body.fail("pipeline_kind", "'\(kind.prefix(40))' is not one of \(configKinds.joined(separator: ", "))")
        }
        draft.kind = kind
        if body.has("description") { draft.description = .some(try body.string("description", nullable: true, maxLength: 2_000)) }
        draft.selectors = try selectors(body, tenant: tenant)
        // SDK 2.10 sends `definitions`, 3.0 – 3.1 one `definition`.
        let items: [JSONObject]
        if !body.has("definitions"), let one = try body.object("definition", required: false) {
            items = [one.object]
        } else {
            items = try body.objectArray("definitions") ?? []
        }
        if items.isEmpty { throw body.fail("definitions", "at least one definition is required") }
        if items.count > maximumReferences { throw body.fail("definitions", "at most \(maximumReferences) definitions (got \(items.count))") }
        draft.definitions = items.map { .object($0) }
        let readers = items.enumerated().map { BodyReader(object: $1, path: "\(body.fieldPath("definitions"))[\($0)]") }
        if kind.hasPrefix("judge") {
            draft.references = try readers.map { try reference($0, withSampling: false) }
        } else {
            for reader in readers { try checkDefinition(reader, kind: kind) }
        }
        draft.enabled = try body.boolean("enabled", nullable: true)
        if !creating && draft.enabled == nil { throw body.fail("enabled", "field required") }
        return draft
    }

    /// The definitions of the kinds the emulator stores but does not run, checked against their
    /// schemas (`DetectionDefinitionV1`, `ModerationDefinitionV1`, `ExportDefinitionV1`).
    private static func checkDefinition(_ reader: BodyReader, kind: String) throws {
        switch kind {
        case "detection", "detection-v1":
            _ = try reader.stringArray("target_attributes")
            for (index, pattern) in (try reader.objectArray("patterns") ?? []).enumerated() {
                let item = BodyReader(object: pattern, path: "\(reader.fieldPath("patterns"))[\(index)]")
                for key in ["name", "regex", "category", "confidence"] { _ = try item.requiredString(key) }
            }
        case "moderation", "moderation-v1":
            _ = try reader.string("model", required: false)
            _ = try reader.stringArray("target_attributes", required: false)
        default:
            guard let destination = try reader.object("destination") else { throw reader.fail("destination", "field required") }
            _ = try destination.requiredString("protocol")
            _ = try destination.requiredString("endpoint")
            if let insecure = destination.value("insecure"), insecure.boolValue == nil {
                throw destination.fail("insecure", "expected a boolean, got \(insecure.typeDescription)")
            }
            if let headers = try destination.object("headers", required: false) {
                for (name, value) in headers.object {
                    guard case .object(let header) = value else {
                        throw headers.fail(name, "expected an object with a 'value', got \(value.typeDescription)")
                    }
                    _ = try BodyReader(object: header, path: headers.fieldPath(name)).string("value", required: false, nullable: true)
                }
            }
        }
    }

    /// The selectors, each filter checked as a span search expression (400 naming the column
    /// of the error, as a search would answer).
    private static func selectors(_ body: BodyReader, tenant: TelemetryTenant) throws -> [PipelineSelector] {
        let items = try body.objectArray("selectors") ?? []
        if items.count > 20 { throw body.fail("selectors", "at most 20 selectors (got \(items.count))") }
        return try items.enumerated().map { index, object in
            let reader = BodyReader(object: object, path: "\(body.fieldPath("selectors"))[\(index)]")
            let kind = try reader.requiredString("source_kind")
            guard PipelineSelector.sourceKinds.contains(kind) else {
                throw reader.fail("source_kind", "'\(kind.prefix(40))' is not one of \(PipelineSelector.sourceKinds.joined(separator: ", "))")
            }
            let filter = try reader.string("filter", required: false, nullable: true, maxLength: 10_000)
            if kind == "span", let filter, !filter.isEmpty {
                do {
                    _ = try QueryCompiler(.telemetry(.spans, tenant: tenant)).compile(expression: filter)
                } catch let error as QueryError {
                    let refusal = APIError(error)
                    throw APIError(refusal.status, refusal.code, "\(reader.fieldPath("filter")): \(refusal.message)")
                }
            }
            return PipelineSelector(sourceKind: kind, filter: filter?.isEmpty == true ? nil : filter)
        }
    }

    private static func reference(_ reader: BodyReader, withSampling: Bool) throws -> JudgeReference {
        let slug = try reader.requiredString("slug", minLength: 1, maxLength: 200)
        var mapping: [(property: String, attribute: String)] = []
        if let object = try reader.object("mapping", required: false, nullable: true) {
            if object.object.count > maximumMappings {
                throw APIError.limitExceeded("\(reader.fieldPath("mapping")): at most \(maximumMappings) entries (got \(object.object.count))")
            }
            for (key, value) in object.object {
                guard let attribute = value.stringValue, !attribute.isEmpty else {
                    throw APIError.validation("\(object.fieldPath(key)): expected the name of a span attribute (a non-empty string), got \(value.typeDescription)")
                }
                mapping.append((key, attribute))
            }
        }
        var sampling: PipelineSampling?
        if withSampling, let object = try reader.object("sampling", required: false, nullable: true) {
            sampling = try parseSampling(object)
        }
        return JudgeReference(slug: slug, mapping: mapping, sampling: sampling, path: reader.path)
    }

    static func parseSampling(_ reader: BodyReader) throws -> PipelineSampling {
        let type = try reader.string("type", required: false, nullable: true) ?? (reader.has("attribute") ? "attribute_hash" : "probabilistic")
        guard let percentage = try reader.number("percentage", required: true) else { throw reader.fail("percentage", "field required") }
        guard percentage >= 0, percentage <= 100 else { throw reader.fail("percentage", "must be between 0 and 100 (got \(percentage))") }
        switch type {
        case "probabilistic":
            return .probabilistic(percentage: percentage)
        case "attribute_hash":
            let attribute = try reader.requiredString("attribute", minLength: 1, maxLength: 500)
            return .attributeHash(attribute: attribute, percentage: percentage)
        default:
            throw reader.fail("type", "'\(type.prefix(40))' is not one of probabilistic, attribute_hash")
        }
    }
}
