import EmulatorJSON

/// The stored things of offline evaluations, as the store hands them out. Ids are UUIDs; times
/// are milliseconds since the epoch. `workspaceID` is `''` for the seeded fixtures, which every
/// workspace sees.

struct EvalProject: Equatable, Sendable {
    var id: String
    var workspaceID: String
    var creatorID: String
    var name: String
    var slug: String
    var description: String?
    var createdMs: Int64
    var updatedMs: Int64
}

struct EvalEvaluation: Equatable, Sendable {
    var id: String
    var workspaceID: String
    var projectID: String
    var creatorID: String
    var name: String
    var slug: String
    var description: String?
    var tags: [String]
    var metadata: JSON
    var createdMs: Int64
    var updatedMs: Int64
}

struct EvalScore: Equatable, Sendable {
    var id: String
    var evaluator: String
    var value: JSON
    var metadata: JSON
    var status: String
    var rationale: String?
    var error: String?
    var createdMs: Int64

    /// Whether the score counts in statistics: no error and a value.
    var isUsable: Bool { error == nil && !value.isNull }
}

struct EvalGeneration: Equatable, Sendable {
    var id: String
    var output: JSON
    var metadata: JSON
    var status: String
    var error: String?
    var scores: [EvalScore]
    var createdMs: Int64
}

struct EvalRecord: Equatable, Sendable {
    var id: String
    var runID: String
    var input: JSON
    var datasetRecordID: String?
    var recordInfo: JSON
    var metadata: JSON
    var generations: [EvalGeneration]
    var createdMs: Int64

    var scores: [EvalScore] { generations.flatMap(\.scores) }
}

/// A run with everything it was uploaded with; `records` is empty when only the header was read.
struct EvalRun: Equatable, Sendable {
    var id: String
    var workspaceID: String
    var evaluationID: String
    var creatorID: String
    var name: String
    var description: String?
    var tags: [String]
    var metadata: JSON
    var numGenerations: Int
    var evaluators: [EvaluatorSpec]
    var runEvaluators: [EvaluatorSpec]
    var runInfo: JSON
    var status: String
    var datasetID: String?
    /// `{name, params, kind, spec}` or null.
    var system: JSON
    var runScores: [EvalScore]
    var records: [EvalRecord]
    var createdMs: Int64
    var updatedMs: Int64
}

struct EvalObservation: Equatable, Sendable {
    var runID: String
    /// An upload may name the observed run instead of giving its id (the fixtures do).
    var runName: String? = nil
    var observationType: String?
    var score: Double?
    var metadata: JSON
}

struct EvalTrial: Equatable, Sendable {
    var id: String
    var optimizationID: String
    var algorithmTrialKey: String
    var status: String
    var metadata: JSON
    var parentTrialID: String?
    var hypothesis: String?
    var resolution: String?
    var observations: [EvalObservation]
    var createdMs: Int64
    var updatedMs: Int64
}

struct EvalOptimization: Equatable, Sendable {
    var id: String
    var workspaceID: String
    var projectID: String
    var evaluationID: String?
    var creatorID: String
    var name: String
    var algorithm: String
    var status: String
    var source: String
    var description: String?
    var steer: String?
    var tags: [String]
    var workflowExecutionID: String?
    var workflowRunID: String?
    var objectiveSpec: JSON
    var outcome: JSON
    var createdMs: Int64
    var updatedMs: Int64
}
