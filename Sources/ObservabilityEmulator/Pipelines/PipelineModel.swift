import EmulatorJSON
import EmulatorStore

/// Which items of a signal a pipeline looks at: `span` items chosen by a search expression over
/// spans (none: every span). `log` and `metric` selectors are kept and never match: no judge
/// reads them.
struct PipelineSelector: Equatable, Sendable {
    static let sourceKinds = ["span", "log", "metric"]

    var sourceKind: String
    var filter: String?

    var json: JSON { .object(JSONObject([("source_kind", .string(sourceKind)), ("filter", .string(filter))])) }

    init(sourceKind: String, filter: String?) {
        self.sourceKind = sourceKind
        self.filter = filter
    }

    init?(stored: JSON) {
        guard let kind = stored["source_kind"]?.stringValue else { return nil }
        self.init(sourceKind: kind, filter: stored["filter"]?.stringValue)
    }

    static func storedList(_ text: String) -> [PipelineSelector] {
        ((try? JSON.parse(text))?.arrayValue ?? []).compactMap(PipelineSelector.init(stored:))
    }

    static func text(_ selectors: [PipelineSelector]) -> String { JSON.array(selectors.map(\.json)).text }
}

/// Which matching spans a judge looks at: a stable share of them, by a hash of the span's ids
/// (`probabilistic`) or of one attribute's value (`attribute_hash`).
enum PipelineSampling: Equatable, Sendable {
    case probabilistic(percentage: Double)
    case attributeHash(attribute: String, percentage: Double)

    var json: JSON {
        switch self {
        case .probabilistic(let percentage):
            return .object(JSONObject([("percentage", .double(percentage)), ("type", "probabilistic")]))
        case .attributeHash(let attribute, let percentage):
            return .object(JSONObject([("attribute", .string(attribute)), ("percentage", .double(percentage)), ("type", "attribute_hash")]))
        }
    }

    init?(stored: JSON) {
        guard let percentage = stored["percentage"]?.doubleValue else { return nil }
        switch stored["type"]?.stringValue {
        case "probabilistic": self = .probabilistic(percentage: percentage)
        case "attribute_hash":
            guard let attribute = stored["attribute"]?.stringValue else { return nil }
            self = .attributeHash(attribute: attribute, percentage: percentage)
        default: return nil
        }
    }

    init(_ probabilistic: Double) { self = .probabilistic(percentage: probabilistic) }

    /// Whether a span is in the sample: the FNV-1a hash of the key, as a point of [0, 100),
    /// below the percentage. The same span (or attribute value) is always in or always out.
    func admits(traceID: String, spanID: String, attribute: (String) -> String) -> Bool {
        switch self {
        case .probabilistic(let percentage):
            return Self.point(traceID + spanID) < percentage
        case .attributeHash(let key, let percentage):
            return Self.point(attribute(key)) < percentage
        }
    }

    static func point(_ key: String) -> Double { Double(stableHash(key) % 10_000) / 100 }
}

/// A judge as a config holds it: frozen at the revision it had when the config was made (later
/// revisions of the judge do not change the config), with the span attributes it reads as
/// properties and its sampling.
struct FrozenJudge: Sendable {
    var judgeID: String
    var slug: String
    /// The revision's number in its chain, 1 for the first.
    var version: Int
    var definition: JudgeDefinition
    /// Property name → the span (or resource) attribute whose value it takes, in order.
    var mapping: [(property: String, attribute: String)]
    var sampling: PipelineSampling?

    var mappingJSON: JSON { .object(JSONObject(mapping.map { ($0.property, .string($0.attribute)) })) }

    /// The stored form.
    var json: JSON {
        .object(JSONObject([
            ("judge_id", .string(judgeID)), ("slug", .string(slug)), ("version", .int(Int64(version))),
            ("name", .string(definition.name)), ("description", .string(definition.description)),
            ("model_name", .string(definition.modelName)), ("output", definition.output.json),
            ("instructions", .string(definition.instructions)), ("tools", .array(definition.tools.map { .string($0) })),
            ("mapping", mappingJSON), ("sampling", sampling?.json ?? .null),
        ]))
    }

    init(judgeID: String, slug: String, version: Int, definition: JudgeDefinition, mapping: [(property: String, attribute: String)],
         sampling: PipelineSampling?) {
        self.judgeID = judgeID
        self.slug = slug
        self.version = version
        self.definition = definition
        self.mapping = mapping
        self.sampling = sampling
    }

    init?(stored: JSON) {
        guard let judgeID = stored["judge_id"]?.stringValue, let slug = stored["slug"]?.stringValue,
              let version = stored["version"]?.intValue, let output = stored["output"].flatMap(JudgeOutputSpec.init(stored:)) else { return nil }
        definition = JudgeDefinition(name: stored["name"]?.stringValue ?? "", description: stored["description"]?.stringValue ?? "",
                                     modelName: stored["model_name"]?.stringValue ?? "", output: output,
                                     instructions: stored["instructions"]?.stringValue ?? "",
                                     tools: stored["tools"]?.arrayValue?.compactMap(\.stringValue) ?? [], parsedRules: nil)
        self.judgeID = judgeID
        self.slug = slug
        self.version = Int(clamping: version)
        mapping = (stored["mapping"]?.objectValue ?? JSONObject()).compactMap { key, value in
            value.stringValue.map { (key, $0) }
        }
        sampling = stored["sampling"].flatMap(PipelineSampling.init(stored:))
    }

    /// `JudgeDefinitionV1`: the judge as a model would run it (`prompt` = the instructions,
    /// `result_spec` categorical with the option values, or numeric with min and max).
    var definitionV1: JSON {
        let resultSpec: JSON
        switch definition.output {
        case .classification(let options):
            resultSpec = .object(JSONObject([("labels", .array(options.map { .string($0.value) })), ("type", "categorical")]))
        case .regression(let min, _, let max, _):
            resultSpec = .object(JSONObject([("min", .double(min)), ("max", .double(max)), ("type", "numeric")]))
        }
        return .object(JSONObject([
            ("model", .string(definition.modelName)), ("prompt", .string(definition.instructions)), ("result_spec", resultSpec),
            ("temperature", .null), ("top_p", .null), ("max_tokens", .null), ("random_seed", .null),
            ("mapping", mappingJSON), ("use_cache", true),
        ]))
    }

    static func storedList(_ text: String) -> [FrozenJudge] {
        ((try? JSON.parse(text))?.arrayValue ?? []).compactMap(FrozenJudge.init(stored:))
    }
}

/// A stored pipeline config: one judge of a pipeline (`judge-v1`), or a standalone config of the
/// `pipeline-configs` API (SDK 2.10 – 3.1), whose definitions are kept as sent.
struct PipelineConfigRecord: Sendable {
    let id: String
    let workspaceID: String
    let pipelineID: String?
    let name: String
    let slug: String
    let kind: String
    let description: String?
    let selectors: [PipelineSelector]
    let enabled: Bool
    /// The definitions as the API shows them.
    let definitions: [JSON]
    /// The judges the config runs (one for a pipeline's config; one per judge definition of a
    /// standalone config; none for the kinds the emulator does not run).
    let judges: [FrozenJudge]
    let createdMs: Int64
    let updatedMs: Int64

    static let columns = "id, workspace_id, pipeline_id, name, slug, pipeline_kind, description, selectors, enabled, definitions, judges, created_ms, updated_ms"

    init(_ row: Row) throws {
        id = try row.string("id")
        workspaceID = try row.string("workspace_id")
        pipelineID = try row.optionalString("pipeline_id")
        name = try row.string("name")
        slug = try row.string("slug")
        kind = try row.string("pipeline_kind")
        description = try row.optionalString("description")
        selectors = PipelineSelector.storedList(try row.string("selectors"))
        enabled = try row.int64("enabled") != 0
        definitions = (try? JSON.parse(Array(try row.string("definitions").utf8)))?.arrayValue ?? []
        judges = FrozenJudge.storedList(try row.string("judges"))
        createdMs = try row.int64("created_ms")
        updatedMs = try row.int64("updated_ms")
    }

    /// The name a judge's results carry (`evaluation_name`): the config's slug, or for a
    /// standalone config with several judges, the slug and the judge's.
    func evaluationName(_ judge: FrozenJudge) -> String {
        judges.count > 1 ? "\(slug)-\(judge.slug)" : slug
    }

    /// `PipelineConfig`, readable by every SDK generation: `definition` (3.x) and
    /// `definitions` (2.10), `slug`, `sampling`, `scorer_slug` and `scorer_version` (3.2+).
    var json: JSON {
        let judge = judges.first
        return .object(JSONObject([
            ("id", .string(id)), ("created_at", .string(Timestamp.format(createdMs))), ("updated_at", .string(Timestamp.format(updatedMs))),
            ("deleted_at", .null), ("scope", "workspace"), ("workspace_id", .string(workspaceID)), ("name", .string(name)),
            ("slug", .string(slug)), ("description", .string(description)), ("pipeline_kind", .string(kind)),
            ("selectors", .array(selectors.map(\.json))), ("enabled", .bool(enabled)),
            ("definition", definitions.first ?? .object(JSONObject())), ("definitions", .array(definitions)),
            ("sampling", judge?.sampling?.json ?? .null), ("scorer_slug", .string(judge?.slug)),
            ("scorer_version", judge.map { .int(Int64($0.version)) } ?? .null),
        ]))
    }
}

/// A stored pipeline with its configs, one per judge, in the order of its definitions.
struct PipelineRecord: Sendable {
    let id: String
    let workspaceID: String
    let ownerID: String
    let name: String
    let slug: String
    let description: String?
    let selectors: [PipelineSelector]
    let enabled: Bool
    let createdMs: Int64
    let updatedMs: Int64
    var configs: [PipelineConfigRecord] = []

    static let columns = "id, workspace_id, owner_id, name, slug, description, selectors, enabled, created_ms, updated_ms"

    init(_ row: Row) throws {
        id = try row.string("id")
        workspaceID = try row.string("workspace_id")
        ownerID = try row.string("owner_id")
        name = try row.string("name")
        slug = try row.string("slug")
        description = try row.optionalString("description")
        selectors = PipelineSelector.storedList(try row.string("selectors"))
        enabled = try row.int64("enabled") != 0
        createdMs = try row.int64("created_ms")
        updatedMs = try row.int64("updated_ms")
    }

    var json: JSON {
        .object(JSONObject([
            ("id", .string(id)), ("created_at", .string(Timestamp.format(createdMs))), ("updated_at", .string(Timestamp.format(updatedMs))),
            ("workspace_id", .string(workspaceID)), ("name", .string(name)), ("slug", .string(slug)),
            ("description", .string(description)), ("selectors", .array(selectors.map(\.json))), ("enabled", .bool(enabled)),
            ("creator_id", .string(ownerID)), ("pipeline_configs", .array(configs.map(\.json))),
        ]))
    }
}
