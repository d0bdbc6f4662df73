import EmulatorStore

/// Where a run's scores, generations and records sit in their queries' results, resolved by
/// name once per query: a run can hold thousands of each, read without a lookup per column.
enum EvalRunColumns {
    struct Score {
        let runID, generationID, evaluator, value, metadata, status, rationale, error, createdMs, id: Int

        init(_ row: Row) throws {
            runID = try row.index(of: "run_id"); generationID = try row.index(of: "generation_id")
            evaluator = try row.index(of: "evaluator"); value = try row.index(of: "value"); metadata = try row.index(of: "metadata")
            status = try row.index(of: "status"); rationale = try row.index(of: "rationale"); error = try row.index(of: "error")
            createdMs = try row.index(of: "created_ms"); id = try row.index(of: "id")
        }
    }

    struct Generation {
        let id, recordID, output, metadata, status, error, createdMs: Int

        init(_ row: Row) throws {
            id = try row.index(of: "id"); recordID = try row.index(of: "record_id"); output = try row.index(of: "output")
            metadata = try row.index(of: "metadata"); status = try row.index(of: "status"); error = try row.index(of: "error")
            createdMs = try row.index(of: "created_ms")
        }
    }

    struct Record {
        let id, runID, input, datasetRecordID, recordInfo, metadata, createdMs: Int

        init(_ row: Row) throws {
            id = try row.index(of: "id"); runID = try row.index(of: "run_id"); input = try row.index(of: "input")
            datasetRecordID = try row.index(of: "dataset_record_id"); recordInfo = try row.index(of: "record_info")
            metadata = try row.index(of: "metadata"); createdMs = try row.index(of: "created_ms")
        }
    }
}
