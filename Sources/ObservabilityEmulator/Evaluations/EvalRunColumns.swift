import EmulatorStore

/// Where a run's scores, generations and records sit in their queries' results, resolved by
/// name once per query: a run can hold thousands of each, read without a lookup per column.
enum EvalRunColumns {
    struct Score: ColumnPositions {
        var runID = 0, generationID = 0, evaluator = 0, value = 0, metadata = 0, status = 0, rationale = 0, error = 0, createdMs = 0, id = 0

        static let names: [ColumnName<Score>] = [
            (\.runID, "run_id"), (\.generationID, "generation_id"), (\.evaluator, "evaluator"), (\.value, "value"), (\.metadata, "metadata"),
            (\.status, "status"), (\.rationale, "rationale"), (\.error, "error"), (\.createdMs, "created_ms"), (\.id, "id"),
        ]
    }

    struct Generation: ColumnPositions {
        var id = 0, recordID = 0, output = 0, metadata = 0, status = 0, error = 0, createdMs = 0

        static let names: [ColumnName<Generation>] = [
            (\.id, "id"), (\.recordID, "record_id"), (\.output, "output"), (\.metadata, "metadata"), (\.status, "status"),
            (\.error, "error"), (\.createdMs, "created_ms"),
        ]
    }

    struct Record: ColumnPositions {
        var id = 0, runID = 0, input = 0, datasetRecordID = 0, recordInfo = 0, metadata = 0, createdMs = 0

        static let names: [ColumnName<Record>] = [
            (\.id, "id"), (\.runID, "run_id"), (\.input, "input"), (\.datasetRecordID, "dataset_record_id"),
            (\.recordInfo, "record_info"), (\.metadata, "metadata"), (\.createdMs, "created_ms"),
        ]
    }
}
